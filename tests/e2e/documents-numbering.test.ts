/**
 * Registration books under concurrency, through the API: 100 documents issued at once in one
 * outgoing book get exactly the numbers 1..100, and 100 incoming documents registered at once in
 * one incoming book get exactly 1..100 — no gap, no duplicate.
 */
import { describe, expect, it } from 'vitest';
import { call, unique } from '#tests/support/http.ts';
import { A, act, B, type Draft, drain, uploadDocumentFile } from '#tests/support/documents.ts';
import { samplePdf } from '#tests/support/signing.ts';

const N = 100;
const range = Array.from({ length: N }, (_, i) => i + 1);

/** Runs `task` over `items`, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) results.push(...(await Promise.all(items.slice(i, i + width).map(task))));
  return results;
}

describe('registration books under concurrency', () => {
  it(`numbers ${N} concurrent issues and ${N} concurrent registrations 1..${N}`, { timeout: 600_000 }, async () => {
    const tag = unique().toUpperCase();
    const outgoingBook = `DI-${tag}`;
    const incomingBook = `DEN-${tag}`;
    const fileId = await uploadDocumentFile(await samplePdf('So van ban'), 'specialist.vinhyen', A);
    // 100 approved documents (signed on paper), prepared a few at a time.
    const ids = await inBatches(range, 10, async (i) => {
      const drafted = await call<Draft>('POST', '/v1/documents', {
        as: 'specialist.vinhyen',
        body: {
          type: 'CV',
          notation: 'UBND-VP',
          subject: `Công văn thử số ${i} (${tag})`,
          signer: { fullName: 'Vũ Văn Hải', position: 'Chủ tịch' },
          recipients: [B],
          attachments: [{ fileId, main: true }],
        },
      });
      expect(drafted.status, drafted.text).toBe(201);
      await act(drafted.body.id, 'submit', 'specialist.vinhyen');
      await act(drafted.body.id, 'approve', 'leader.vinhyen');
      return drafted.body.id;
    });

    // All at once: every issue takes the next number of the same book.
    const issued = await Promise.all(
      ids.map((id) =>
        call<{ number: number; book: string }>('POST', `/v1/documents/${id}/issue`, {
          as: 'clerk.vinhyen',
          body: { book: outgoingBook },
        }),
      ),
    );
    for (const response of issued) expect(response.status, response.text).toBe(200);
    expect(new Set(issued.map((r) => r.body.book))).toEqual(new Set([outgoingBook]));
    expect(issued.map((r) => r.body.number).sort((a, b) => a - b)).toEqual(range);

    // Sent to B; then B registers all 100 at once in one incoming book.
    await inBatches(ids, 10, async (id) => {
      const sent = await call('POST', `/v1/documents/${id}/send`, { as: 'clerk.vinhyen' });
      expect(sent.status, sent.text).toBe(202);
    });
    await drain();
    const copies = await inBatches(ids, 10, async (id) => {
      const detail = await call<{ recipients: { incomingId: string | null }[] }>('GET', `/v1/documents/${id}`, { as: 'clerk.vinhyen' });
      const incomingId = detail.body.recipients[0]?.incomingId;
      expect(incomingId, `copy of ${id}`).toBeTruthy();
      return incomingId!;
    });
    const registered = await Promise.all(
      copies.map((id) =>
        call<{ incomingNumber: number }>('POST', `/v1/incoming-documents/${id}/transitions`, {
          as: 'clerk.tichson',
          body: { action: 'register', book: incomingBook },
        }),
      ),
    );
    for (const response of registered) expect(response.status, response.text).toBe(200);
    expect(registered.map((r) => r.body.incomingNumber).sort((a, b) => a - b)).toEqual(range);

    // Issuing again is refused and takes no number.
    const again = await call('POST', `/v1/documents/${ids[0]}/issue`, { as: 'clerk.vinhyen', body: { book: outgoingBook } });
    expect(again.status).toBe(409);
  });
});
