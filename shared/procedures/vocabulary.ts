/**
 * The procedure catalog's closed vocabularies and code pattern, apart from the schemas so that event
 * contracts (events/procedures) can use them without pulling in the form validator.
 */

/**
 * Procedure code (mã thủ tục hành chính): the national code of the TTHC database, `1.001193`
 * (a digit, a dot, six digits), or a provincial code for a local procedure, `VP-<slug>` (two to four
 * capitals naming the province, then a lowercase slug).
 */
export const PROCEDURE_CODE_PATTERN = /^(\d\.\d{6}|[A-Z]{2,4}-[a-z0-9]+(-[a-z0-9]+)*)$/;
export const PROCEDURE_CODE_MAX = 64;

/**
 * Online level (mức độ dịch vụ công trực tuyến, Decree 42/2022/NĐ-CP): `partial` (một phần: some
 * step needs the applicant at the counter) or `full-process` (toàn trình: submitted, paid and
 * returned online). The older levels 2/3 map to `partial`, level 4 to `full-process`.
 */
export const ONLINE_LEVELS = ['partial', 'full-process'] as const;

/** Phí (`fee`: pays for a service) and lệ phí (`charge`: a state levy), Law on Fees and Charges 2015. */
export const FEE_KINDS = ['fee', 'charge'] as const;

/** How the result reaches the applicant: at the one-stop counter, online, or by post (bưu chính công ích). */
export const RESULT_DELIVERY = ['counter', 'online', 'postal'] as const;

export const PROCEDURE_STATUSES = ['active', 'inactive'] as const;
