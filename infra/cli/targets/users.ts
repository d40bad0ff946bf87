/**
 * Staff and machine accounts. In AWS a Cognito user pool (roles = groups, agency = the
 * `custom:agency_code` attribute, as shared/http/auth.ts reads them); locally a users file that
 * `npm start` adds to the demo users (restart it to pick up new ones).
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import { DemoUser } from '#infra/provinces/province-config.ts';
import { getAgency } from '#shared/agencies/repository.ts';
import type { ImportTarget, WriteResult } from '../import-engine.ts';
import { cell, defined, parseRow, type Row, RowError } from '../rows.ts';

export const UserRow = z.extend(DemoUser, { email: z.optional(z.email()) });
export type UserRow = z.infer<typeof UserRow>;

export interface UserDirectory {
  readonly description: string;
  /** Creates the user with its roles; `kept` when the username exists already. */
  createUser(user: UserRow): Promise<'created' | 'kept'>;
}

/** The file `npm start` merges into the demo users (infra/local/local-users.ts). */
export class LocalUserDirectory implements UserDirectory {
  constructor(readonly file: string) {}
  get description() {
    return `local users file ${this.file} (restart npm start to use them)`;
  }
  async createUser(user: UserRow): Promise<'created' | 'kept'> {
    let users: UserRow[] = [];
    try {
      users = JSON.parse(await readFile(this.file, 'utf8')) as UserRow[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (users.some((u) => u.username === user.username)) return 'kept';
    users.push(user);
    await writeFile(this.file, `${JSON.stringify(users, null, 2)}\n`);
    return 'created';
  }
}

/** The AWS SDK client is loaded only on this path; its package name is kept out of the type-checker's reach. */
type CognitoModule = {
  CognitoIdentityProviderClient: new (config: object) => { send(command: object): Promise<unknown> };
  AdminCreateUserCommand: new (input: object) => object;
  AdminAddUserToGroupCommand: new (input: object) => object;
};

/**
 * Cognito (AdminCreateUser + AdminAddUserToGroup per role; Cognito e-mails the temporary password).
 * Needs `@aws-sdk/client-cognito-identity-provider`, which the repository does not install yet:
 * this path is NOT tested here.
 */
export class CognitoUserDirectory implements UserDirectory {
  constructor(readonly userPoolId: string) {}
  get description() {
    return `Cognito user pool ${this.userPoolId}`;
  }
  private sdk?: Promise<CognitoModule>;
  private load(): Promise<CognitoModule> {
    const name = '@aws-sdk/client-cognito-identity-provider';
    this.sdk ??= (import(name) as Promise<CognitoModule>).catch(() => {
      throw new Error(`Creating Cognito users needs ${name}: npm install ${name}`);
    });
    return this.sdk;
  }
  async createUser(user: UserRow): Promise<'created' | 'kept'> {
    const sdk = await this.load();
    const client = new sdk.CognitoIdentityProviderClient({});
    const attributes = [
      { Name: 'name', Value: user.fullName },
      ...(user.email
        ? [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
          ]
        : []),
      ...(user.agencyCode ? [{ Name: 'custom:agency_code', Value: user.agencyCode }] : []),
    ];
    let outcome: 'created' | 'kept' = 'created';
    try {
      await client.send(
        new sdk.AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.username,
          UserAttributes: attributes,
          DesiredDeliveryMediums: user.email ? ['EMAIL'] : [],
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'UsernameExistsException') throw error;
      outcome = 'kept';
    }
    for (const role of user.roles) {
      await client.send(
        new sdk.AdminAddUserToGroupCommand({
          UserPoolId: this.userPoolId,
          Username: user.username,
          GroupName: role,
        }),
      );
    }
    return outcome;
  }
}

type Lined<T> = { line: number; record: T };

/** CSV columns: username,fullName,roles (separated by `;`),agencyCode,email. */
export function usersTarget(directory: UserDirectory): ImportTarget<Lined<UserRow>> {
  return {
    name: 'users',
    batchSize: 1,
    parse(row: Row) {
      const v = row.value;
      const input =
        typeof v.roles === 'string'
          ? defined({
              ...Object.fromEntries(
                Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? cell(x) : x]),
              ),
              roles: v.roles
                .split(/[;|]/)
                .map((r) => r.trim())
                .filter(Boolean),
            })
          : v;
      return { line: row.line, record: parseRow(UserRow, row, input) };
    },
    keyOf: ({ record }) => record.username,
    async write(records): Promise<WriteResult> {
      let created = 0;
      let kept = 0;
      for (const { line, record } of records) {
        if (record.agencyCode && !(await getAgency(record.agencyCode))) {
          throw new RowError(line, `agencyCode: agency ${record.agencyCode} is not in the registry`);
        }
        if ((await directory.createUser(record)) === 'created') created += 1;
        else kept += 1;
      }
      return { created, kept };
    },
  };
}
