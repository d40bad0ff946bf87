/**
 * Demo procedure catalog of Vĩnh Phúc (thủ tục hành chính), seeded by the local runtime through the
 * same use case the API runs (shared/procedures/seed.ts).
 *
 * Names, fields, papers, processing times, fees and workflows follow the procedures as published
 * under the three-level model of the seed plans (Luật Hộ tịch 2014, Nghị định 23/2015/NĐ-CP,
 * Nghị định 15/2021/NĐ-CP, Nghị định 01/2021/NĐ-CP, Luật Lý lịch tư pháp 2009, Nghị định 20/2021/NĐ-CP,
 * Nghị định 131/2021/NĐ-CP …). Like the agency codes, procedure codes and amounts are illustrative
 * for the demo: three carry national TTHC codes, the rest provincial `VP-…` codes, and fees the
 * province sets by resolution of its People's Council are sample amounts. Check them against the
 * national TTHC database and the province's resolutions before real use.
 */
import type { CreateProcedure } from '#shared/procedures/procedure.ts';
import { demoAgencies } from './vinh-phuc.ts';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
/** Sở Lao động - Thương binh và Xã hội, Sở Giao thông vận tải, Trung tâm Phục vụ hành chính công. */
const LABOUR_DEPARTMENT = '000.00.12.H62';
const TRANSPORT_DEPARTMENT = '000.00.08.H62';
const SERVICE_CENTRE = '000.00.20.H62';

// ---- Form building blocks (JSON Schema 2020-12, labels in Vietnamese through `title`) ----

type JsonSchema = Record<string, unknown>;

const text = (title: string, maxLength = 200): JsonSchema => ({
  type: 'string',
  title,
  minLength: 1,
  maxLength,
});
const date = (title: string): JsonSchema => ({ type: 'string', format: 'date', title });
const integer = (title: string, minimum: number, maximum: number): JsonSchema => ({
  type: 'integer',
  title,
  minimum,
  maximum,
});
/** A closed list with Vietnamese labels: `oneOf` of `const` + `title`. */
const choice = (title: string, options: [value: string, label: string][]): JsonSchema => ({
  type: 'string',
  title,
  oneOf: options.map(([value, label]) => ({ const: value, title: label })),
});
const object = (title: string, properties: Record<string, JsonSchema>, required: string[]): JsonSchema => ({
  type: 'object',
  title,
  additionalProperties: false,
  required,
  properties,
});
const form = (
  title: string,
  properties: Record<string, JsonSchema>,
  required: string[],
  extra: JsonSchema = {},
): JsonSchema => ({ $schema: DRAFT, ...object(title, properties, required), ...extra });

/** Số định danh cá nhân: the 12-digit citizen identity number. */
const idNumber: JsonSchema = {
  type: 'string',
  title: 'Số định danh cá nhân (CCCD)',
  pattern: '^[0-9]{12}$',
};
const phone: JsonSchema = { type: 'string', title: 'Số điện thoại', pattern: '^(0|\\+84)[0-9]{9,10}$' };
const email: JsonSchema = { type: 'string', title: 'Thư điện tử', format: 'email', maxLength: 254 };
const gender = choice('Giới tính', [
  ['nam', 'Nam'],
  ['nu', 'Nữ'],
]);

/** Người yêu cầu / người nộp hồ sơ. */
const applicant = (
  title = 'Người yêu cầu',
  more: Record<string, JsonSchema> = {},
  moreRequired: string[] = [],
) =>
  object(
    title,
    {
      fullName: text('Họ, chữ đệm và tên', 100),
      idNumber,
      residence: text('Nơi cư trú', 300),
      phone,
      ...more,
    },
    ['fullName', 'idNumber', 'residence', ...moreRequired],
  );

const parent = (title: string) =>
  object(
    title,
    {
      fullName: text('Họ, chữ đệm và tên', 100),
      birthYear: integer('Năm sinh', 1900, 2100),
      ethnicity: text('Dân tộc', 50),
      nationality: text('Quốc tịch', 50),
      residence: text('Nơi cư trú', 300),
      idNumber,
    },
    ['fullName', 'nationality'],
  );

const receive = (id = 'tiep-nhan', workingDays = 0.5, requiresPayment = false) => ({
  id,
  name: 'Tiếp nhận, kiểm tra hồ sơ tại Bộ phận Một cửa',
  agency: { kind: 'receiving' as const },
  role: 'clerk' as const,
  workingDays,
  ...(requiresPayment ? { requiresPayment } : {}),
});

// ---- The catalog ----

/** Đăng ký khai sinh (cấp xã, miễn lệ phí khi đăng ký đúng hạn). */
const birthRegistration: CreateProcedure = {
  code: '1.001193',
  name: 'Đăng ký khai sinh',
  field: 'Hộ tịch',
  implementingLevels: ['commune'],
  onlineLevel: 'full-process',
  processingDays: 1,
  fees: [],
  requiredPapers: [
    { name: 'Tờ khai đăng ký khai sinh (theo mẫu)', copies: 1, original: true },
    {
      name: 'Giấy chứng sinh',
      copies: 1,
      original: true,
      note: 'Không có Giấy chứng sinh thì nộp văn bản của người làm chứng hoặc giấy cam đoan về việc sinh',
    },
    { name: 'Giấy tờ tùy thân của người đi đăng ký', copies: 0, original: true, note: 'Xuất trình' },
  ],
  formSchema: form(
    'Tờ khai đăng ký khai sinh',
    {
      applicant: applicant(
        'Người yêu cầu',
        {
          relationship: text('Quan hệ với người được khai sinh', 50),
        },
        ['relationship'],
      ),
      child: object(
        'Người được khai sinh',
        {
          fullName: text('Họ, chữ đệm và tên', 100),
          dateOfBirth: date('Ngày, tháng, năm sinh'),
          gender,
          ethnicity: text('Dân tộc', 50),
          nationality: text('Quốc tịch', 50),
          placeOfBirth: text('Nơi sinh', 300),
          hometown: text('Quê quán', 300),
        },
        ['fullName', 'dateOfBirth', 'gender', 'ethnicity', 'nationality', 'placeOfBirth'],
      ),
      mother: parent('Thông tin người mẹ'),
      father: parent('Thông tin người cha'),
      extraCopies: integer('Số bản sao Giấy khai sinh yêu cầu cấp', 0, 10),
    },
    ['applicant', 'child', 'mother'],
  ),
  workflow: [
    { ...receive('tiep-nhan', 0) },
    {
      id: 'xu-ly',
      name: 'Công chức tư pháp - hộ tịch kiểm tra, ghi Sổ đăng ký khai sinh',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 0.5,
    },
    {
      id: 'ky-giay-khai-sinh',
      name: 'Chủ tịch UBND cấp xã ký Giấy khai sinh',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 0.5,
    },
  ],
  resultDelivery: ['counter', 'online', 'postal'],
  legalBasis: ['Luật Hộ tịch 2014', 'Nghị định 123/2015/NĐ-CP', 'Thông tư 04/2020/TT-BTP'],
};

/** Người được khai; reused by both sides of a marriage registration. */
const spouse = (title: string) => ({ $ref: '#/$defs/person', title });

/** Đăng ký kết hôn (cấp xã; hai bên có mặt khi trao Giấy chứng nhận kết hôn). */
const marriageRegistration: CreateProcedure = {
  code: '1.000894',
  name: 'Đăng ký kết hôn',
  field: 'Hộ tịch',
  implementingLevels: ['commune'],
  onlineLevel: 'partial',
  processingDays: 5,
  fees: [],
  requiredPapers: [
    { name: 'Tờ khai đăng ký kết hôn (theo mẫu)', copies: 1, original: true },
    {
      name: 'Giấy xác nhận tình trạng hôn nhân',
      copies: 1,
      original: true,
      note: 'Khi người yêu cầu đăng ký kết hôn không cư trú tại xã nơi đăng ký',
    },
    { name: 'Giấy tờ tùy thân của hai bên', copies: 0, original: true, note: 'Xuất trình' },
  ],
  formSchema: form(
    'Tờ khai đăng ký kết hôn',
    {
      bride: spouse('Bên nữ'),
      groom: spouse('Bên nam'),
      contactPhone: phone,
    },
    ['bride', 'groom'],
    {
      $defs: {
        person: object(
          'Người yêu cầu đăng ký kết hôn',
          {
            fullName: text('Họ, chữ đệm và tên', 100),
            dateOfBirth: date('Ngày, tháng, năm sinh'),
            ethnicity: text('Dân tộc', 50),
            nationality: text('Quốc tịch', 50),
            residence: text('Nơi cư trú', 300),
            idNumber,
            marriageCount: integer('Kết hôn lần thứ mấy', 1, 10),
          },
          ['fullName', 'dateOfBirth', 'nationality', 'residence', 'idNumber'],
        ),
      },
    },
  ),
  workflow: [
    receive(),
    {
      id: 'xac-minh',
      name: 'Công chức tư pháp - hộ tịch kiểm tra, xác minh điều kiện kết hôn',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 4,
    },
    {
      id: 'ky-giay-chung-nhan',
      name: 'Chủ tịch UBND cấp xã ký Giấy chứng nhận kết hôn, trao cho hai bên',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 0.5,
    },
  ],
  resultDelivery: ['counter'],
  legalBasis: ['Luật Hôn nhân và gia đình 2014', 'Luật Hộ tịch 2014', 'Nghị định 123/2015/NĐ-CP'],
};

/** Chứng thực bản sao từ bản chính (cấp xã; phí theo trang). */
const certifiedCopy: CreateProcedure = {
  code: '2.000815',
  name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận',
  field: 'Chứng thực',
  implementingLevels: ['commune'],
  onlineLevel: 'partial',
  processingDays: 1,
  fees: [
    {
      code: 'phi-chung-thuc-ban-sao',
      name: 'Phí chứng thực bản sao từ bản chính',
      kind: 'fee',
      amount: 2000,
      unit: 'trang',
      note: 'Từ trang thứ ba trở lên thu 1.000 đồng/trang, tối đa 200.000 đồng/bản (Thông tư 226/2016/TT-BTC)',
    },
  ],
  requiredPapers: [
    {
      name: 'Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao',
      copies: 0,
      original: true,
      note: 'Xuất trình',
    },
    { name: 'Bản sao cần chứng thực', copies: 1, original: false },
  ],
  formSchema: form(
    'Yêu cầu chứng thực bản sao',
    {
      applicant: applicant(),
      documentName: text('Tên giấy tờ, văn bản cần chứng thực', 300),
      pages: integer('Số trang của bản chính', 1, 500),
      copies: integer('Số bản sao cần chứng thực', 1, 50),
    },
    ['applicant', 'documentName', 'pages', 'copies'],
  ),
  workflow: [
    { ...receive('tiep-nhan', 0, true), name: 'Tiếp nhận yêu cầu, thu phí chứng thực' },
    {
      id: 'doi-chieu',
      name: 'Đối chiếu bản sao với bản chính, ghi lời chứng',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 0.5,
    },
    {
      id: 'ky-chung-thuc',
      name: 'Người có thẩm quyền ký chứng thực, đóng dấu',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 0.5,
    },
  ],
  resultDelivery: ['counter'],
  legalBasis: ['Nghị định 23/2015/NĐ-CP', 'Thông tư 01/2020/TT-BTP', 'Thông tư 226/2016/TT-BTC'],
};

/** Cấp Giấy xác nhận tình trạng hôn nhân (cấp xã). */
const maritalStatusCertificate: CreateProcedure = {
  code: 'VP-xac-nhan-tinh-trang-hon-nhan',
  name: 'Cấp Giấy xác nhận tình trạng hôn nhân',
  field: 'Hộ tịch',
  implementingLevels: ['commune'],
  onlineLevel: 'full-process',
  processingDays: 3,
  fees: [],
  requiredPapers: [
    { name: 'Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (theo mẫu)', copies: 1, original: true },
    {
      name: 'Bản án, quyết định ly hôn hoặc giấy chứng tử của vợ/chồng',
      copies: 1,
      original: false,
      note: 'Khi đã từng kết hôn',
    },
  ],
  formSchema: form(
    'Tờ khai cấp Giấy xác nhận tình trạng hôn nhân',
    {
      applicant: applicant('Người được cấp', { dateOfBirth: date('Ngày, tháng, năm sinh'), gender }, [
        'dateOfBirth',
        'gender',
      ]),
      status: choice('Tình trạng hôn nhân hiện tại', [
        ['chua-ket-hon', 'Chưa đăng ký kết hôn với ai'],
        ['da-ly-hon', 'Đã ly hôn'],
        ['vo-chong-da-chet', 'Vợ/chồng đã chết'],
        ['dang-co-vo-chong', 'Đang có vợ/chồng'],
      ]),
      purpose: text('Mục đích sử dụng', 300),
    },
    ['applicant', 'status', 'purpose'],
  ),
  workflow: [
    receive(),
    {
      id: 'xac-minh',
      name: 'Công chức tư pháp - hộ tịch kiểm tra, xác minh tình trạng hôn nhân',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 2,
    },
    {
      id: 'ky-xac-nhan',
      name: 'Chủ tịch UBND cấp xã ký Giấy xác nhận',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 0.5,
    },
  ],
  resultDelivery: ['counter', 'online', 'postal'],
  legalBasis: ['Luật Hộ tịch 2014', 'Nghị định 123/2015/NĐ-CP'],
};

/** Xác nhận thông tin hộ tịch (cấp xã hoặc cấp huyện nơi đã đăng ký hộ tịch). */
const civilStatusConfirmation: CreateProcedure = {
  code: 'VP-xac-nhan-thong-tin-ho-tich',
  name: 'Xác nhận thông tin hộ tịch',
  field: 'Hộ tịch',
  implementingLevels: ['commune', 'district'],
  onlineLevel: 'full-process',
  processingDays: 3,
  fees: [],
  requiredPapers: [{ name: 'Tờ khai xác nhận thông tin hộ tịch (theo mẫu)', copies: 1, original: true }],
  formSchema: form(
    'Tờ khai xác nhận thông tin hộ tịch',
    {
      applicant: applicant(),
      subject: object(
        'Người được xác nhận thông tin hộ tịch',
        {
          fullName: text('Họ, chữ đệm và tên', 100),
          dateOfBirth: date('Ngày, tháng, năm sinh'),
          idNumber,
        },
        ['fullName', 'dateOfBirth'],
      ),
      information: text('Thông tin hộ tịch đề nghị xác nhận', 1000),
      purpose: text('Mục đích sử dụng', 300),
    },
    ['applicant', 'subject', 'information', 'purpose'],
  ),
  workflow: [
    receive(),
    {
      id: 'tra-cuu',
      name: 'Tra cứu Cơ sở dữ liệu hộ tịch, sổ hộ tịch',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 2,
    },
    {
      id: 'ky-xac-nhan',
      name: 'Lãnh đạo ký văn bản xác nhận',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 0.5,
    },
  ],
  resultDelivery: ['counter', 'online'],
  legalBasis: ['Luật Hộ tịch 2014', 'Thông tư 04/2020/TT-BTP'],
};

/** Cấp giấy phép xây dựng nhà ở riêng lẻ (cấp huyện; lệ phí). */
const housingPermit: CreateProcedure = {
  code: 'VP-cap-giay-phep-xay-dung-nha-o-rieng-le',
  name: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ',
  field: 'Hoạt động xây dựng',
  implementingLevels: ['district'],
  onlineLevel: 'partial',
  processingDays: 15,
  fees: [
    {
      code: 'le-phi-gpxd',
      name: 'Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ',
      kind: 'charge',
      amount: 75000,
    },
  ],
  requiredPapers: [
    {
      name: 'Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01, Nghị định 15/2021/NĐ-CP)',
      copies: 1,
      original: true,
    },
    { name: 'Giấy tờ hợp pháp về quyền sử dụng đất', copies: 1, original: false },
    { name: 'Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng)', copies: 2, original: true },
  ],
  formSchema: form(
    'Đơn đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ',
    {
      owner: applicant('Chủ đầu tư'),
      site: object(
        'Địa điểm xây dựng',
        {
          parcelNumber: integer('Thửa đất số', 1, 100000),
          mapSheet: integer('Tờ bản đồ số', 1, 10000),
          address: text('Địa chỉ', 300),
        },
        ['parcelNumber', 'mapSheet', 'address'],
      ),
      building: object(
        'Nội dung đề nghị cấp phép',
        {
          groundFloorArea: {
            type: 'number',
            title: 'Diện tích xây dựng tầng 1 (m²)',
            exclusiveMinimum: 0,
            maximum: 10000,
          },
          totalFloorArea: {
            type: 'number',
            title: 'Tổng diện tích sàn (m²)',
            exclusiveMinimum: 0,
            maximum: 50000,
          },
          height: { type: 'number', title: 'Chiều cao công trình (m)', exclusiveMinimum: 0, maximum: 100 },
          floors: integer('Số tầng', 1, 30),
        },
        ['groundFloorArea', 'totalFloorArea', 'height', 'floors'],
      ),
      completionMonths: integer('Dự kiến thời gian hoàn thành (tháng)', 1, 120),
    },
    ['owner', 'site', 'building'],
  ),
  workflow: [
    receive('tiep-nhan', 0.5, true),
    {
      id: 'tham-dinh',
      name: 'Phòng Quản lý đô thị / Kinh tế - Hạ tầng thẩm định hồ sơ, kiểm tra thực địa',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 10,
    },
    {
      id: 'cap-phep',
      name: 'Chủ tịch UBND cấp huyện ký giấy phép xây dựng',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 4,
    },
    {
      id: 'tra-ket-qua',
      name: 'Trả kết quả',
      agency: { kind: 'receiving' },
      role: 'clerk',
      workingDays: 0.5,
    },
  ],
  resultDelivery: ['counter', 'postal'],
  legalBasis: ['Luật Xây dựng 2014 (sửa đổi 2020)', 'Nghị định 15/2021/NĐ-CP'],
};

/** Đăng ký thành lập hộ kinh doanh (cấp huyện; lệ phí). */
const householdBusiness: CreateProcedure = {
  code: 'VP-dang-ky-thanh-lap-ho-kinh-doanh',
  name: 'Đăng ký thành lập hộ kinh doanh',
  field: 'Thành lập và hoạt động của hộ kinh doanh',
  implementingLevels: ['district'],
  onlineLevel: 'full-process',
  processingDays: 3,
  fees: [
    { code: 'le-phi-dang-ky-hkd', name: 'Lệ phí đăng ký hộ kinh doanh', kind: 'charge', amount: 100000 },
  ],
  requiredPapers: [
    { name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1, original: true },
    {
      name: 'Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh',
      copies: 1,
      original: false,
      note: 'Khi các thành viên hộ gia đình cùng đăng ký',
    },
  ],
  formSchema: form(
    'Giấy đề nghị đăng ký hộ kinh doanh',
    {
      businessName: text('Tên hộ kinh doanh', 200),
      address: text('Địa chỉ trụ sở hộ kinh doanh', 300),
      activities: {
        type: 'array',
        title: 'Ngành, nghề kinh doanh',
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
        items: text('Ngành, nghề', 300),
      },
      capital: integer('Vốn kinh doanh (đồng)', 0, 100_000_000_000),
      employees: integer('Số lượng lao động', 0, 1000),
      owner: applicant('Chủ hộ kinh doanh', { email }),
    },
    ['businessName', 'address', 'activities', 'capital', 'owner'],
  ),
  workflow: [
    receive('tiep-nhan', 0.5, true),
    {
      id: 'xu-ly',
      name: 'Phòng Tài chính - Kế hoạch kiểm tra tính hợp lệ, cấp mã số hộ kinh doanh',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 2,
    },
    {
      id: 'ky-giay-chung-nhan',
      name: 'Lãnh đạo ký Giấy chứng nhận đăng ký hộ kinh doanh',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 0.5,
    },
  ],
  resultDelivery: ['counter', 'online', 'postal'],
  legalBasis: ['Nghị định 01/2021/NĐ-CP', 'Thông tư 01/2021/TT-BKHĐT'],
};

/** Cấp Phiếu lý lịch tư pháp (Sở Tư pháp; received at the province service centre or the department). */
const criminalRecord: CreateProcedure = {
  code: 'VP-ly-lich-tu-phap',
  name: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam',
  field: 'Lý lịch tư pháp',
  implementingLevels: ['department'],
  implementingAgencies: [SERVICE_CENTRE, demoAgencies.justiceDepartment],
  onlineLevel: 'full-process',
  processingDays: 10,
  fees: [
    {
      code: 'phi-lltp',
      name: 'Phí cung cấp thông tin lý lịch tư pháp',
      kind: 'fee',
      amount: 200000,
      note: 'Sinh viên, người có công với cách mạng, thân nhân liệt sĩ: 100.000 đồng; từ Phiếu thứ 3 trở đi thu thêm 5.000 đồng/Phiếu (Thông tư 244/2016/TT-BTC)',
    },
  ],
  requiredPapers: [
    { name: 'Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (theo mẫu)', copies: 1, original: true },
    { name: 'Giấy tờ tùy thân', copies: 1, original: false },
  ],
  formSchema: form(
    'Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp',
    {
      certificateType: choice('Loại Phiếu yêu cầu cấp', [
        ['phieu-so-1', 'Phiếu lý lịch tư pháp số 1'],
        ['phieu-so-2', 'Phiếu lý lịch tư pháp số 2'],
      ]),
      person: applicant(
        'Người yêu cầu cấp Phiếu',
        {
          gender,
          dateOfBirth: date('Ngày, tháng, năm sinh'),
          placeOfBirth: text('Nơi sinh', 300),
          nationality: text('Quốc tịch', 50),
          fatherName: text('Họ và tên cha', 100),
          motherName: text('Họ và tên mẹ', 100),
          email,
        },
        ['gender', 'dateOfBirth', 'placeOfBirth', 'nationality'],
      ),
      residenceHistory: {
        type: 'array',
        title: 'Quá trình cư trú, nghề nghiệp (từ đủ 14 tuổi)',
        minItems: 1,
        maxItems: 30,
        items: object(
          'Giai đoạn',
          {
            fromYear: integer('Từ năm', 1900, 2100),
            toYear: integer('Đến năm', 1900, 2100),
            place: text('Nơi cư trú', 300),
            occupation: text('Nghề nghiệp, nơi làm việc', 300),
          },
          ['fromYear', 'place'],
        ),
      },
      quantity: integer('Số lượng Phiếu yêu cầu cấp', 1, 10),
      purpose: text('Mục đích yêu cầu cấp Phiếu', 300),
    },
    ['certificateType', 'person', 'residenceHistory', 'quantity'],
  ),
  workflow: [
    receive('tiep-nhan', 0.5, true),
    {
      id: 'tra-cuu-xac-minh',
      name: 'Phòng Hành chính tư pháp tra cứu, xác minh thông tin lý lịch tư pháp (phối hợp Công an tỉnh)',
      agency: { kind: 'fixed', agencyCode: demoAgencies.justiceDepartment },
      role: 'specialist',
      workingDays: 7,
    },
    {
      id: 'ky-phieu',
      name: 'Lãnh đạo Sở Tư pháp ký Phiếu lý lịch tư pháp',
      agency: { kind: 'fixed', agencyCode: demoAgencies.justiceDepartment },
      role: 'leader',
      workingDays: 2,
    },
    {
      id: 'tra-ket-qua',
      name: 'Trả Phiếu lý lịch tư pháp',
      agency: { kind: 'receiving' },
      role: 'clerk',
      workingDays: 0.5,
    },
  ],
  resultDelivery: ['counter', 'online', 'postal'],
  legalBasis: ['Luật Lý lịch tư pháp 2009', 'Nghị định 111/2010/NĐ-CP', 'Thông tư 244/2016/TT-BTC'],
};

/** Cấp lại giấy phép lái xe (Sở Giao thông vận tải; lệ phí). */
const drivingLicenceRenewal: CreateProcedure = {
  code: 'VP-cap-lai-giay-phep-lai-xe',
  name: 'Cấp lại giấy phép lái xe',
  field: 'Đường bộ',
  implementingLevels: ['department'],
  implementingAgencies: [TRANSPORT_DEPARTMENT],
  onlineLevel: 'full-process',
  processingDays: 5,
  fees: [
    {
      code: 'le-phi-gplx',
      name: 'Lệ phí cấp giấy phép lái xe',
      kind: 'charge',
      amount: 135000,
      note: 'Thông tư 37/2023/TT-BTC',
    },
  ],
  requiredPapers: [
    { name: 'Đơn đề nghị đổi, cấp lại giấy phép lái xe (theo mẫu)', copies: 1, original: true },
    {
      name: 'Giấy khám sức khỏe của người lái xe do cơ sở y tế có thẩm quyền cấp',
      copies: 1,
      original: true,
    },
  ],
  formSchema: form(
    'Đơn đề nghị cấp lại giấy phép lái xe',
    {
      driver: applicant('Người đề nghị', { dateOfBirth: date('Ngày, tháng, năm sinh') }, ['dateOfBirth']),
      licenceNumber: { type: 'string', title: 'Số giấy phép lái xe', pattern: '^[0-9]{12}$' },
      licenceClass: choice('Hạng giấy phép lái xe', [
        ['A1', 'A1'],
        ['A2', 'A2'],
        ['A3', 'A3'],
        ['B1', 'B1'],
        ['B2', 'B2'],
        ['C', 'C'],
        ['D', 'D'],
        ['E', 'E'],
        ['FC', 'FC'],
      ]),
      reason: choice('Lý do cấp lại', [
        ['bi-mat', 'Bị mất'],
        ['het-han', 'Quá thời hạn sử dụng'],
      ]),
      expiredOn: date('Ngày hết hạn (khi quá thời hạn sử dụng)'),
    },
    ['driver', 'licenceNumber', 'licenceClass', 'reason'],
  ),
  workflow: [
    receive('tiep-nhan', 0.5, true),
    {
      id: 'xu-ly',
      name: 'Phòng Quản lý phương tiện và người lái kiểm tra, tra cứu dữ liệu, in giấy phép',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 3.5,
    },
    {
      id: 'phe-duyet',
      name: 'Lãnh đạo Sở phê duyệt cấp lại giấy phép lái xe',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 1,
    },
  ],
  resultDelivery: ['counter', 'postal'],
  legalBasis: ['Luật Giao thông đường bộ 2008', 'Thông tư 12/2017/TT-BGTVT', 'Thông tư 37/2023/TT-BTC'],
};

/** Đăng ký đất đai, cấp GCN QSDĐ lần đầu: liên thông commune → district. */
const firstLandCertificate: CreateProcedure = {
  code: 'VP-dang-ky-cap-gcn-lan-dau',
  name: 'Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu',
  field: 'Đất đai',
  implementingLevels: ['commune'],
  onlineLevel: 'partial',
  processingDays: 30,
  fees: [
    {
      code: 'le-phi-cap-gcn',
      name: 'Lệ phí cấp Giấy chứng nhận quyền sử dụng đất (hộ gia đình, cá nhân)',
      kind: 'charge',
      amount: 100000,
    },
    {
      code: 'phi-tham-dinh-ho-so',
      name: 'Phí thẩm định hồ sơ cấp Giấy chứng nhận',
      kind: 'fee',
      amount: 300000,
      note: 'Mức theo Nghị quyết của HĐND tỉnh',
    },
  ],
  requiredPapers: [
    { name: 'Đơn đăng ký, cấp Giấy chứng nhận (Mẫu số 04/ĐK)', copies: 1, original: true },
    { name: 'Giấy tờ về quyền sử dụng đất (nếu có)', copies: 1, original: false },
    { name: 'Chứng từ thực hiện nghĩa vụ tài chính (nếu có)', copies: 1, original: false },
  ],
  formSchema: form(
    'Đơn đăng ký, cấp Giấy chứng nhận quyền sử dụng đất',
    {
      landUser: applicant('Người sử dụng đất'),
      parcel: object(
        'Thửa đất đăng ký',
        {
          parcelNumber: integer('Thửa đất số', 1, 100000),
          mapSheet: integer('Tờ bản đồ số', 1, 10000),
          address: text('Địa chỉ thửa đất', 300),
          area: { type: 'number', title: 'Diện tích (m²)', exclusiveMinimum: 0, maximum: 10_000_000 },
          landUse: choice('Mục đích sử dụng', [
            ['ONT', 'Đất ở tại nông thôn'],
            ['ODT', 'Đất ở tại đô thị'],
            ['LUC', 'Đất chuyên trồng lúa nước'],
            ['CLN', 'Đất trồng cây lâu năm'],
          ]),
          usedSince: date('Thời điểm bắt đầu sử dụng'),
          origin: text('Nguồn gốc sử dụng', 500),
        },
        ['parcelNumber', 'mapSheet', 'address', 'area', 'landUse', 'origin'],
      ),
      hasAssets: { type: 'boolean', title: 'Đăng ký tài sản gắn liền với đất' },
      assets: text('Tài sản gắn liền với đất (nhà ở, công trình)', 1000),
    },
    ['landUser', 'parcel', 'hasAssets'],
    {
      if: { properties: { hasAssets: { const: true } }, required: ['hasAssets'] },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      then: { required: ['assets'] },
    },
  ),
  workflow: [
    receive(),
    {
      id: 'kiem-tra-hien-trang',
      name: 'Công chức địa chính kiểm tra hiện trạng, nguồn gốc sử dụng đất, niêm yết công khai',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 9.5,
    },
    {
      id: 'xac-nhan-ubnd-xa',
      name: 'UBND cấp xã xác nhận, chuyển hồ sơ lên cấp huyện',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 1,
    },
    {
      id: 'tham-dinh',
      name: 'Văn phòng đăng ký đất đai / Phòng Tài nguyên và Môi trường thẩm định, xác định nghĩa vụ tài chính',
      agency: { kind: 'ancestor', level: 'district' },
      role: 'specialist',
      workingDays: 12,
      requiresPayment: true,
    },
    {
      id: 'ky-giay-chung-nhan',
      name: 'UBND cấp huyện ký Giấy chứng nhận',
      agency: { kind: 'ancestor', level: 'district' },
      role: 'leader',
      workingDays: 5,
    },
    {
      id: 'tra-ket-qua',
      name: 'Chuyển kết quả về UBND cấp xã, trả cho người sử dụng đất',
      agency: { kind: 'receiving' },
      role: 'clerk',
      workingDays: 2,
    },
  ],
  resultDelivery: ['counter'],
  legalBasis: ['Luật Đất đai 2013', 'Nghị định 43/2014/NĐ-CP', 'Nghị định 01/2017/NĐ-CP'],
};

/** Trợ cấp xã hội hàng tháng: liên thông commune → district (Phòng Lao động - TB&XH). */
const monthlySocialAllowance: CreateProcedure = {
  code: 'VP-tro-cap-xa-hoi-hang-thang',
  name: 'Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng',
  field: 'Bảo trợ xã hội',
  implementingLevels: ['commune'],
  onlineLevel: 'partial',
  processingDays: 17,
  fees: [],
  requiredPapers: [
    {
      name: 'Tờ khai đề nghị trợ giúp xã hội (Mẫu số 1a-1d, Nghị định 20/2021/NĐ-CP)',
      copies: 1,
      original: true,
    },
    { name: 'Giấy xác nhận khuyết tật (với người khuyết tật)', copies: 1, original: false },
  ],
  formSchema: form(
    'Tờ khai đề nghị trợ giúp xã hội',
    {
      beneficiary: applicant(
        'Đối tượng đề nghị trợ giúp',
        { dateOfBirth: date('Ngày, tháng, năm sinh'), gender },
        ['dateOfBirth', 'gender'],
      ),
      group: choice('Nhóm đối tượng (Điều 5, Nghị định 20/2021/NĐ-CP)', [
        ['tre-em-khong-nguon-nuoi-duong', 'Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng'],
        ['nguoi-cao-tuoi', 'Người cao tuổi thuộc diện hưởng trợ cấp'],
        ['nguoi-khuyet-tat', 'Người khuyết tật đặc biệt nặng, nặng'],
        ['ho-ngheo-don-than', 'Người đơn thân thuộc hộ nghèo đang nuôi con'],
      ]),
      paymentMethod: choice('Hình thức nhận trợ cấp', [
        ['tien-mat', 'Nhận tiền mặt tại xã'],
        ['tai-khoan', 'Chuyển khoản'],
      ]),
      bankAccount: { type: 'string', title: 'Số tài khoản ngân hàng', pattern: '^[0-9]{6,20}$' },
      bankName: text('Ngân hàng', 200),
    },
    ['beneficiary', 'group', 'paymentMethod'],
    {
      if: { properties: { paymentMethod: { const: 'tai-khoan' } }, required: ['paymentMethod'] },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      then: { required: ['bankAccount', 'bankName'] },
    },
  ),
  workflow: [
    receive(),
    {
      id: 'xet-duyet',
      name: 'Hội đồng xét duyệt cấp xã xét duyệt, niêm yết công khai 02 ngày làm việc',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 5.5,
    },
    {
      id: 'de-nghi',
      name: 'Chủ tịch UBND cấp xã ký văn bản đề nghị gửi Phòng Lao động - Thương binh và Xã hội',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 1,
    },
    {
      id: 'tham-dinh',
      name: 'Phòng Lao động - Thương binh và Xã hội thẩm định, trình Chủ tịch UBND cấp huyện',
      agency: { kind: 'ancestor', level: 'district' },
      role: 'specialist',
      workingDays: 7,
    },
    {
      id: 'quyet-dinh',
      name: 'Chủ tịch UBND cấp huyện quyết định trợ cấp',
      agency: { kind: 'ancestor', level: 'district' },
      role: 'leader',
      workingDays: 3,
    },
  ],
  resultDelivery: ['counter', 'postal'],
  legalBasis: ['Nghị định 20/2021/NĐ-CP', 'Thông tư 02/2021/TT-BLĐTBXH'],
};

/** Mai táng phí, trợ cấp một lần khi người có công từ trần: liên thông commune → district → Sở LĐTBXH. */
const meritoriousFuneralAllowance: CreateProcedure = {
  code: 'VP-tro-cap-mai-tang-nguoi-co-cong',
  name: 'Giải quyết chế độ trợ cấp mai táng phí, trợ cấp một lần khi người có công với cách mạng từ trần',
  field: 'Người có công',
  implementingLevels: ['commune'],
  onlineLevel: 'partial',
  processingDays: 22,
  fees: [],
  requiredPapers: [
    { name: 'Bản khai của thân nhân (theo mẫu, Nghị định 131/2021/NĐ-CP)', copies: 1, original: true },
    { name: 'Giấy chứng tử hoặc trích lục khai tử', copies: 1, original: false },
    { name: 'Biên bản ủy quyền của các thân nhân (nếu có)', copies: 1, original: true },
  ],
  formSchema: form(
    'Bản khai đề nghị hưởng trợ cấp mai táng, trợ cấp một lần',
    {
      deceased: object(
        'Người có công đã từ trần',
        {
          fullName: text('Họ, chữ đệm và tên', 100),
          dateOfBirth: date('Ngày, tháng, năm sinh'),
          dateOfDeath: date('Ngày từ trần'),
          category: choice('Diện người có công', [
            ['thuong-binh', 'Thương binh'],
            ['benh-binh', 'Bệnh binh'],
            ['nguoi-hoat-dong-khang-chien', 'Người hoạt động kháng chiến'],
            ['nguoi-co-cong-giup-do-cach-mang', 'Người có công giúp đỡ cách mạng'],
          ]),
          recordNumber: text('Số hồ sơ người có công', 50),
        },
        ['fullName', 'dateOfDeath', 'category'],
      ),
      claimant: applicant(
        'Thân nhân / người đứng ra tổ chức mai táng',
        {
          relationship: text('Quan hệ với người từ trần', 50),
        },
        ['relationship'],
      ),
      paymentMethod: choice('Hình thức nhận trợ cấp', [
        ['tien-mat', 'Nhận tiền mặt'],
        ['tai-khoan', 'Chuyển khoản'],
      ]),
    },
    ['deceased', 'claimant', 'paymentMethod'],
  ),
  workflow: [
    receive(),
    {
      id: 'xac-nhan-xa',
      name: 'Công chức Lao động - TB&XH cấp xã kiểm tra, xác nhận bản khai',
      agency: { kind: 'receiving' },
      role: 'specialist',
      workingDays: 4,
    },
    {
      id: 'de-nghi-xa',
      name: 'Chủ tịch UBND cấp xã ký văn bản đề nghị gửi Phòng Lao động - TB&XH',
      agency: { kind: 'receiving' },
      role: 'leader',
      workingDays: 0.5,
    },
    {
      id: 'tham-dinh-huyen',
      name: 'Phòng Lao động - TB&XH cấp huyện kiểm tra, tổng hợp',
      agency: { kind: 'ancestor', level: 'district' },
      role: 'specialist',
      workingDays: 4.5,
    },
    {
      id: 'chuyen-so',
      name: 'Lãnh đạo Phòng ký văn bản đề nghị gửi Sở Lao động - TB&XH',
      agency: { kind: 'ancestor', level: 'district' },
      role: 'leader',
      workingDays: 0.5,
    },
    {
      id: 'tham-dinh-so',
      name: 'Phòng Người có công thẩm định hồ sơ',
      agency: { kind: 'fixed', agencyCode: LABOUR_DEPARTMENT },
      role: 'specialist',
      workingDays: 10,
    },
    {
      id: 'quyet-dinh',
      name: 'Giám đốc Sở Lao động - TB&XH ký quyết định trợ cấp',
      agency: { kind: 'fixed', agencyCode: LABOUR_DEPARTMENT },
      role: 'leader',
      workingDays: 2,
    },
  ],
  resultDelivery: ['counter', 'postal'],
  legalBasis: ['Pháp lệnh Ưu đãi người có công với cách mạng 2020', 'Nghị định 131/2021/NĐ-CP'],
};

export const vinhPhucProcedures: readonly CreateProcedure[] = [
  birthRegistration,
  marriageRegistration,
  certifiedCopy,
  maritalStatusCertificate,
  civilStatusConfirmation,
  housingPermit,
  householdBusiness,
  criminalRecord,
  drivingLicenceRenewal,
  firstLandCertificate,
  monthlySocialAllowance,
  meritoriousFuneralAllowance,
];

export default vinhPhucProcedures;
