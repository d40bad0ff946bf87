/**
 * Keys of procedure items, and the access patterns they serve.
 *
 * A procedure is stored as:
 * - `META`: the current version, with the list indexes of the whole catalog;
 * - `V#<000001>`: every version ever published, immutable (a dossier reads the one it was received under);
 * - `LEVEL#<level>`: one listing copy of the current version per implementing level, so "procedures a
 *   commune may receive" is one index query although a procedure can have several levels.
 *
 * | access pattern                                   | index | PK                                   | SK                     | item    |
 * |--------------------------------------------------|-------|--------------------------------------|------------------------|---------|
 * | get the current version                          | table | `PROC#<code>`                        | `META`                 | META    |
 * | get one version                                  | table | `PROC#<code>`                        | `V#<000003>`           | V#      |
 * | list the catalog, by code                        | GSI1  | `PROCS`                              | `<code>`               | META    |
 * | list by field [+ online level]                   | GSI2  | `PROCS#FIELD#<field>`                | `<onlineLevel>#<code>` | META    |
 * | list by level + field [+ online level]           | GSI2  | `PROCS#LEVEL#<level>#FIELD#<field>`  | `<onlineLevel>#<code>` | LEVEL#  |
 * | list by online level, by code                    | GSI3  | `PROCS#ONLINE#<onlineLevel>`         | `<code>`               | META    |
 * | list by level [+ online level]                   | GSI3  | `PROCS#LEVEL#<level>`                | `<onlineLevel>#<code>` | LEVEL#  |
 *
 * Versions carry no index keys, so lists show each procedure once, at its current version.
 */

export const procedurePartition = (code: string) => `PROC#${code}`;

export const procedureKey = (code: string) => ({ PK: procedurePartition(code), SK: 'META' });

export const procedureVersionKey = (code: string, version: number) => ({
  PK: procedurePartition(code),
  SK: `V#${String(version).padStart(6, '0')}`,
});

export const procedureLevelKey = (code: string, level: string) => ({
  PK: procedurePartition(code),
  SK: `LEVEL#${level}`,
});

export const CATALOG_PARTITION = 'PROCS';
export const fieldPartition = (field: string) => `PROCS#FIELD#${field}`;
export const levelFieldPartition = (level: string, field: string) => `PROCS#LEVEL#${level}#FIELD#${field}`;
export const onlineLevelPartition = (onlineLevel: string) => `PROCS#ONLINE#${onlineLevel}`;
export const levelPartition = (level: string) => `PROCS#LEVEL#${level}`;

interface Indexed {
  code: string;
  field: string;
  onlineLevel: string;
}

export const procedureIndexKeys = (procedure: Indexed) => ({
  GSI1PK: CATALOG_PARTITION,
  GSI1SK: procedure.code,
  GSI2PK: fieldPartition(procedure.field),
  GSI2SK: `${procedure.onlineLevel}#${procedure.code}`,
  GSI3PK: onlineLevelPartition(procedure.onlineLevel),
  GSI3SK: procedure.code,
});

export const procedureLevelIndexKeys = (procedure: Indexed, level: string) => ({
  GSI2PK: levelFieldPartition(level, procedure.field),
  GSI2SK: `${procedure.onlineLevel}#${procedure.code}`,
  GSI3PK: levelPartition(level),
  GSI3SK: `${procedure.onlineLevel}#${procedure.code}`,
});

export const ENTITY_PROCEDURE = 'procedure';
export const ENTITY_PROCEDURE_VERSION = 'procedure-version';
export const ENTITY_PROCEDURE_LISTING = 'procedure-listing';
