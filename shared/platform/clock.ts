/**
 * The time the domain sees. Always the system clock in AWS; tests that need a given date (a
 * dossier received just before Tết) set it in their own process with `setClock`.
 */
let offsetMs = 0;
let frozenAt: number | undefined;

export const now = (): Date => new Date(frozenAt ?? Date.now() + offsetMs);

/** Test seam: the domain clock reads `at` from now on, standing still when `frozen`, else running on. */
export function setClock(at: Date, options: { frozen?: boolean } = {}): void {
  if (options.frozen) frozenAt = at.getTime();
  else {
    frozenAt = undefined;
    offsetMs = at.getTime() - Date.now();
  }
}

export function resetClock(): void {
  offsetMs = 0;
  frozenAt = undefined;
}
