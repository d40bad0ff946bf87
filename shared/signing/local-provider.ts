/**
 * The local test PKI (./local-pki.ts) as the `local` seal-key provider: agency seals issued on first
 * use (named after the agency when the table has it), the local root trusted, its CRL known.
 *
 * Never deployed: only the local runtime (infra/local/platform.ts) and the tests
 * (tests/support/environment.ts, the unit tests that need it) call `installLocalPki()`, and no
 * function imports this module (tests/unit/bundle-hygiene.test.ts). A process with
 * SIGNING_PROVIDER=local that has not installed it is told so by `signingCapability()`.
 */
import { getAgency } from '../agencies/repository.ts';
import { ENV, optionalEnv } from '../platform/env.ts';
import { LocalPki } from './local-pki.ts';
import { installLocalSealKeyProvider, type LocalSealKeyProvider } from './sealing.ts';

async function agencyName(code: string): Promise<string | undefined> {
  if (!optionalEnv(ENV.tableName)) return undefined;
  try {
    return (await getAgency(code))?.name;
  } catch {
    return undefined;
  }
}

/** The `local` provider over a local test PKI. */
export function localSealKeyProvider(pki: LocalPki): LocalSealKeyProvider {
  return {
    localPki: pki,
    sealKey: async (agencyId) => pki.sealKey(agencyId, await agencyName(agencyId)),
    trustAnchors: async () => {
      const [root, crl] = await Promise.all([pki.root(), pki.crlPem()]);
      return { rootsPem: [root.certificatePem], crls: [crl] };
    },
  };
}

/** Makes SIGNING_PROVIDER=local available in this process (LOCAL_PKI_DIR names the folder). */
export function installLocalPki(): void {
  installLocalSealKeyProvider((dir) => localSealKeyProvider(new LocalPki(dir)));
}
