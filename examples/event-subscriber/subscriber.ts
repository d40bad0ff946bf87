/**
 * Worked example of a vendor's event subscriber (docs/extending.md § An event subscriber):
 * when a dossier's result is ready (status `released`), tell the applicant. This example records the
 * notification in the table; a real notifier would call an SMS or Zalo gateway at the same place.
 */
import { DossierStatusChangedV1 } from '#events/dossiers/dossier-events.v1.ts';
import { defineSubscriber } from '#events/routing/subscriber.ts';

export const resultReadyNotifier = defineSubscriber({
  id: 'example-result-ready',
  description: 'Tells the applicant that the result of their dossier is ready to collect',
  pattern: {
    source: [DossierStatusChangedV1.source],
    'detail-type': [DossierStatusChangedV1.detailType],
    detail: { data: { toStatus: ['released'] } },
  },
  entry: 'examples/event-subscriber/handler.ts',
});
