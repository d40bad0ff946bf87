/**
 * Demo province: Vĩnh Phúc, in the three-level model of its 2018-2022 plans (seed 002: about 20
 * province-level bodies, 9 districts and 136 communes; here every district and a sample of
 * communes). Codes follow the Decision 20/2020/QĐ-TTg shape with Vĩnh Phúc's top-level group H62;
 * they are illustrative for the demo, not the official assignments.
 */
import { nationalCalendarOverrides } from './national-calendar.ts';
import { type AgencySeed, defineProvince } from './province-config.ts';

const PROVINCE = '000.00.00.H62';

/** Sở, ban, ngành under the Provincial People's Committee (UBND tỉnh). */
const departments: [string, string, string][] = [
  ['01', 'Văn phòng UBND tỉnh', 'VP UBND'],
  ['02', 'Sở Nội vụ', 'SNV'],
  ['03', 'Sở Tư pháp', 'STP'],
  ['04', 'Sở Kế hoạch và Đầu tư', 'SKHĐT'],
  ['05', 'Sở Tài chính', 'STC'],
  ['06', 'Sở Công Thương', 'SCT'],
  ['07', 'Sở Nông nghiệp và Phát triển nông thôn', 'SNN&PTNT'],
  ['08', 'Sở Giao thông vận tải', 'SGTVT'],
  ['09', 'Sở Xây dựng', 'SXD'],
  ['10', 'Sở Tài nguyên và Môi trường', 'STN&MT'],
  ['11', 'Sở Thông tin và Truyền thông', 'STT&TT'],
  ['12', 'Sở Lao động - Thương binh và Xã hội', 'SLĐTB&XH'],
  ['13', 'Sở Văn hóa, Thể thao và Du lịch', 'SVHTT&DL'],
  ['14', 'Sở Khoa học và Công nghệ', 'SKH&CN'],
  ['15', 'Sở Giáo dục và Đào tạo', 'SGD&ĐT'],
  ['16', 'Sở Y tế', 'SYT'],
  ['17', 'Thanh tra tỉnh', 'TTr'],
  ['18', 'Ban Dân tộc', 'BDT'],
  ['19', 'Ban Quản lý các khu công nghiệp', 'BQL KCN'],
  ['20', 'Trung tâm Phục vụ hành chính công tỉnh', 'TT PVHCC'],
];

/** UBND of the 9 districts and cities, each with a sample of its communes, wards and towns. */
const districts: [string, string, string[]][] = [
  [
    '21',
    'UBND thành phố Vĩnh Yên',
    ['Phường Tích Sơn', 'Phường Liên Bảo', 'Phường Ngô Quyền', 'Xã Thanh Trù'],
  ],
  ['22', 'UBND thành phố Phúc Yên', ['Phường Trưng Trắc', 'Phường Hùng Vương', 'Xã Ngọc Thanh']],
  ['23', 'UBND huyện Bình Xuyên', ['Thị trấn Hương Canh', 'Xã Thanh Lãng', 'Xã Bá Hiến']],
  ['24', 'UBND huyện Lập Thạch', ['Thị trấn Lập Thạch', 'Xã Xuân Hòa', 'Xã Tử Du']],
  ['25', 'UBND huyện Sông Lô', ['Thị trấn Tam Sơn', 'Xã Đồng Thịnh', 'Xã Nhạo Sơn']],
  ['26', 'UBND huyện Tam Dương', ['Thị trấn Hợp Hòa', 'Xã Hoàng Đan', 'Xã Kim Long']],
  ['27', 'UBND huyện Tam Đảo', ['Thị trấn Tam Đảo', 'Xã Đại Đình', 'Xã Hợp Châu']],
  ['28', 'UBND huyện Vĩnh Tường', ['Thị trấn Vĩnh Tường', 'Thị trấn Thổ Tang', 'Xã Tứ Trưng']],
  ['29', 'UBND huyện Yên Lạc', ['Thị trấn Yên Lạc', 'Xã Tề Lỗ', 'Xã Đồng Cương']],
];

const districtCode = (group: string) => `000.00.${group}.H62`;
const communeCode = (group: string, n: number) => `000.${String(n).padStart(2, '0')}.${group}.H62`;

export const agencies: AgencySeed[] = [
  {
    code: PROVINCE,
    name: 'UBND tỉnh Vĩnh Phúc',
    shortName: 'UBND tỉnh',
    level: 'province',
    parentCode: null,
  },
  ...departments.map(
    ([group, name, shortName]): AgencySeed => ({
      code: `000.00.${group}.H62`,
      name,
      shortName,
      level: 'department',
      parentCode: PROVINCE,
    }),
  ),
  ...districts.flatMap(([group, name, communes]): AgencySeed[] => [
    { code: districtCode(group), name, level: 'district', parentCode: PROVINCE },
    ...communes.map(
      (commune, i): AgencySeed => ({
        code: communeCode(group, i + 1),
        name: `UBND ${commune.charAt(0).toLowerCase()}${commune.slice(1)}`,
        level: 'commune',
        parentCode: districtCode(group),
      }),
    ),
  ]),
];

/** Well-known demo agencies, named for tests and the README walkthrough. */
export const demoAgencies = {
  province: PROVINCE,
  informationDepartment: '000.00.11.H62',
  justiceDepartment: '000.00.03.H62',
  vinhYen: districtCode('21'),
  tichSon: communeCode('21', 1),
  lienBao: communeCode('21', 2),
  phucYen: districtCode('22'),
  trungTrac: communeCode('22', 1),
} as const;

export default defineProvince({
  code: 'vinh-phuc',
  name: 'Tỉnh Vĩnh Phúc',
  levels: ['province', 'department', 'district', 'commune'],
  agencies,
  calendar: { overrides: nationalCalendarOverrides },
  // Sample values: the account id is a placeholder and no certificate is configured yet, so the
  // API is served on its execute-api URL. Ops replace these before the first deploy (docs/deploy.md).
  deployment: {
    account: '111111111111',
    region: 'ap-southeast-1',
    domain: { api: 'api.dichvucong.vinhphuc.gov.vn' },
    corsOrigins: ['https://dichvucong.vinhphuc.gov.vn', 'https://motcua.vinhphuc.gov.vn'],
    api: { rateLimit: 200, burstLimit: 400, p99LatencyMs: 3000, serverErrorPercent: 1 },
    // The platform function serves only public routes (health, docs): capped so a flood on them
    // cannot take concurrency from the authenticated domains.
    reservedConcurrency: { platform: 10 },
    paymentGateways: [
      {
        id: 'paygov',
        protocol: 'paygov',
        secretName: 'vnpp/vinh-phuc/payment/paygov',
        merchantCode: 'VPC-DVC',
      },
    ],
    signing: {
      // Illustrative ARNs: ops create one asymmetric SIGN_VERIFY key per agency seal (docs/signatures.md).
      sealKeyArns: [
        'arn:aws:kms:ap-southeast-1:111111111111:key/0b6c2a4e-5d1f-4c3a-9e8b-7a6d5c4b3a21',
        'arn:aws:kms:ap-southeast-1:111111111111:key/1c7d3b5f-6e2a-4d4b-8f9c-8b7e6d5c4b32',
      ],
      trustedRootsFile: 'infra/provinces/trust/vinh-phuc-roots.pem',
    },
    retention: {
      logDays: 365,
      auditArchiveYears: 10,
      eventArchiveDays: 365,
      noncurrentFileVersionDays: 90,
      accessLogDays: 365,
      backupDays: 35,
    },
    alarmEmail: 'vnpp-ops+vinh-phuc@example.com',
  },
  demoUsers: [
    { username: 'citizen.an', fullName: 'Nguyễn Văn An', roles: ['citizen'] },
    { username: 'citizen.binh', fullName: 'Trần Thị Bình', roles: ['citizen'] },
    { username: 'clerk.tichson', fullName: 'Lê Thị Hoa', roles: ['clerk'], agencyCode: demoAgencies.tichSon },
    {
      username: 'specialist.tichson',
      fullName: 'Đinh Văn Quang',
      roles: ['specialist'],
      agencyCode: demoAgencies.tichSon,
    },
    {
      username: 'leader.tichson',
      fullName: 'Lương Thị Hằng',
      roles: ['leader'],
      agencyCode: demoAgencies.tichSon,
    },
    {
      username: 'clerk.lienbao',
      fullName: 'Phan Thị Lan',
      roles: ['clerk'],
      agencyCode: demoAgencies.lienBao,
    },
    {
      username: 'leader.lienbao',
      fullName: 'Cao Văn Minh',
      roles: ['leader'],
      agencyCode: demoAgencies.lienBao,
    },
    {
      username: 'clerk.vinhyen',
      fullName: 'Phạm Văn Cường',
      roles: ['clerk'],
      agencyCode: demoAgencies.vinhYen,
    },
    {
      username: 'specialist.vinhyen',
      fullName: 'Hoàng Thị Dung',
      roles: ['specialist'],
      agencyCode: demoAgencies.vinhYen,
    },
    {
      username: 'leader.vinhyen',
      fullName: 'Vũ Văn Hải',
      roles: ['leader'],
      agencyCode: demoAgencies.vinhYen,
    },
    {
      username: 'clerk.phucyen',
      fullName: 'Đỗ Văn Khoa',
      roles: ['clerk'],
      agencyCode: demoAgencies.phucYen,
    },
    {
      username: 'leader.province',
      fullName: 'Nguyễn Văn Long',
      roles: ['leader'],
      agencyCode: demoAgencies.province,
    },
    {
      username: 'specialist.stp',
      fullName: 'Bùi Thị Mai',
      roles: ['specialist'],
      agencyCode: demoAgencies.justiceDepartment,
    },
    {
      username: 'admin.sotttt',
      fullName: 'Ngô Văn Nam',
      roles: ['agency-admin'],
      agencyCode: demoAgencies.informationDepartment,
    },
    {
      username: 'admin.vinhyen',
      fullName: 'Đặng Thị Oanh',
      roles: ['agency-admin'],
      agencyCode: demoAgencies.vinhYen,
    },
    {
      username: 'admin.province',
      fullName: 'Trịnh Văn Phúc',
      roles: ['province-admin'],
      agencyCode: demoAgencies.informationDepartment,
    },
    {
      username: 'auditor.province',
      fullName: 'Lý Thị Quỳnh',
      roles: ['auditor'],
      agencyCode: demoAgencies.province,
    },
    {
      username: 'integration.lgsp',
      fullName: 'LGSP Vĩnh Phúc (machine client)',
      roles: ['integration'],
      agencyCode: demoAgencies.province,
    },
  ],
});
