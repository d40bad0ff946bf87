/**
 * Second sample province: Đồng Nai, in the two-tier model in force since 1 July 2025 (the district
 * level is gone; Bình Phước merged into Đồng Nai), so it also shows that levels are data. The tree is
 * a small sample: the Provincial People's Committee, its departments after the 2025 restructuring,
 * and a few wards and communes. Codes follow the Decision 20/2020/QĐ-TTg shape with top-level group
 * H19; they are illustrative, not the official assignments.
 */
import { nationalCalendarOverrides } from './national-calendar.ts';
import { type AgencySeed, defineProvince } from './province-config.ts';

const PROVINCE = '000.00.00.H19';

/** Sở, ban, ngành under UBND tỉnh after the 2025 merger of departments. */
const departments: [string, string, string][] = [
  ['01', 'Văn phòng UBND tỉnh', 'VP UBND'],
  ['02', 'Sở Nội vụ', 'SNV'],
  ['03', 'Sở Tư pháp', 'STP'],
  ['04', 'Sở Tài chính', 'STC'],
  ['05', 'Sở Công Thương', 'SCT'],
  ['06', 'Sở Nông nghiệp và Môi trường', 'SNN&MT'],
  ['07', 'Sở Xây dựng', 'SXD'],
  ['08', 'Sở Khoa học và Công nghệ', 'SKH&CN'],
  ['09', 'Sở Giáo dục và Đào tạo', 'SGD&ĐT'],
  ['10', 'Sở Y tế', 'SYT'],
  ['11', 'Sở Văn hóa, Thể thao và Du lịch', 'SVHTT&DL'],
  ['12', 'Thanh tra tỉnh', 'TTr'],
  ['13', 'Trung tâm Phục vụ hành chính công tỉnh', 'TT PVHCC'],
];

/** Wards and communes now report directly to the province. */
const communes = [
  'Phường Trấn Biên',
  'Phường Biên Hòa',
  'Phường Tam Hiệp',
  'Phường Long Bình',
  'Phường Long Khánh',
  'Phường Đồng Xoài',
  'Phường Bình Phước',
  'Xã Long Thành',
  'Xã Nhơn Trạch',
  'Xã Trảng Bom',
];

const departmentCode = (group: string) => `000.00.${group}.H19`;
const communeCode = (n: number) => `000.${String(n).padStart(2, '0')}.50.H19`;

export const agencies: AgencySeed[] = [
  { code: PROVINCE, name: 'UBND tỉnh Đồng Nai', shortName: 'UBND tỉnh', level: 'province', parentCode: null },
  ...departments.map(
    ([group, name, shortName]): AgencySeed => ({
      code: departmentCode(group),
      name,
      shortName,
      level: 'department',
      parentCode: PROVINCE,
    }),
  ),
  ...communes.map(
    (commune, i): AgencySeed => ({
      code: communeCode(i + 1),
      name: `UBND ${commune.charAt(0).toLowerCase()}${commune.slice(1)}`,
      level: 'commune',
      parentCode: PROVINCE,
    }),
  ),
];

export const demoAgencies = {
  province: PROVINCE,
  justiceDepartment: departmentCode('03'),
  scienceDepartment: departmentCode('08'),
  tranBien: communeCode(1),
  longThanh: communeCode(8),
} as const;

export default defineProvince({
  code: 'dong-nai',
  name: 'Tỉnh Đồng Nai',
  levels: ['province', 'department', 'commune'],
  agencies,
  calendar: { overrides: nationalCalendarOverrides },
  // Sample values: the account id and certificate are placeholders for ops to replace
  // (docs/deploy.md). A certificate is set here so the custom-domain path is synthesized too.
  deployment: {
    account: '222222222222',
    region: 'ap-southeast-1',
    domain: {
      api: 'api.dichvucong.dongnai.gov.vn',
      certificateArn:
        'arn:aws:acm:ap-southeast-1:222222222222:certificate/0f5a7a51-6a0e-4a3c-9d53-2b8e1c7d9e10',
    },
    corsOrigins: ['https://dichvucong.dongnai.gov.vn'],
    api: { rateLimit: 300, burstLimit: 600, p99LatencyMs: 2500, serverErrorPercent: 1 },
    reservedConcurrency: { platform: 10 },
    paymentGateways: [
      {
        id: 'paygov',
        protocol: 'paygov',
        secretName: 'vnpp/dong-nai/payment/paygov',
        merchantCode: 'DNI-DVC',
      },
      {
        id: 'vnpay',
        protocol: 'vnpay',
        secretName: 'vnpp/dong-nai/payment/vnpay',
        merchantCode: 'DNIDVC01',
      },
    ],
    retention: {
      logDays: 731,
      auditArchiveYears: 20,
      eventArchiveDays: 365,
      noncurrentFileVersionDays: 180,
      accessLogDays: 731,
      backupDays: 90,
    },
    alarmEmail: 'vnpp-ops+dong-nai@example.com',
  },
  demoUsers: [
    { username: 'citizen.cuong', fullName: 'Lê Văn Cường', roles: ['citizen'] },
    {
      username: 'clerk.tranbien',
      fullName: 'Nguyễn Thị Lan',
      roles: ['clerk'],
      agencyCode: demoAgencies.tranBien,
    },
    {
      username: 'specialist.stp',
      fullName: 'Trần Văn Minh',
      roles: ['specialist'],
      agencyCode: demoAgencies.justiceDepartment,
    },
    {
      username: 'leader.longthanh',
      fullName: 'Phạm Thị Hương',
      roles: ['leader'],
      agencyCode: demoAgencies.longThanh,
    },
    {
      username: 'admin.province',
      fullName: 'Võ Văn Tâm',
      roles: ['province-admin'],
      agencyCode: demoAgencies.scienceDepartment,
    },
  ],
});
