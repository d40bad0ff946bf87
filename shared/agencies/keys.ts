/**
 * Keys of agency items, and the access patterns they serve.
 *
 * | access pattern                         | index | PK                              | SK                 |
 * |----------------------------------------|-------|---------------------------------|--------------------|
 * | get an agency by code                  | table | `AGENCY#<code>`                 | `META`             |
 * | list every agency, by code             | GSI1  | `AGENCIES`                      | `<code>`           |
 * | list agencies of one level, by code    | GSI2  | `AGENCIES#LEVEL#<level>`        | `<code>`           |
 * | list children of an agency (by level)  | GSI3  | `AGENCIES#PARENT#<parent|ROOT>` | `<level>#<code>`   |
 */

export const agencyKey = (code: string) => ({ PK: `AGENCY#${code}`, SK: 'META' });

export const agencyIndexKeys = (agency: { code: string; level: string; parentCode: string | null }) => ({
  GSI1PK: 'AGENCIES',
  GSI1SK: agency.code,
  GSI2PK: `AGENCIES#LEVEL#${agency.level}`,
  GSI2SK: agency.code,
  GSI3PK: `AGENCIES#PARENT#${agency.parentCode ?? 'ROOT'}`,
  GSI3SK: `${agency.level}#${agency.code}`,
});

export const ENTITY_AGENCY = 'agency';
