import type { WebhookDeliveryLoop } from '../../webhooks/delivery-loop.js';
import { WebhookDispatcher } from '../../webhooks/dispatcher.js';

/** A delivery loop that records what the dispatcher asks of it; `active` stands for the webhooks table. */
function recordingLoop() {
  const asked = { anyActive: 0, due: 0 };
  const state = { active: false };
  const loop = {
    anyActive: async () => {
      asked.anyActive += 1;
      return state.active;
    },
    due: async () => {
      asked.due += 1;
      return [];
    },
    claim: async () => false,
    run: async () => undefined,
    close: () => undefined,
  };
  return { loop: loop as unknown as WebhookDeliveryLoop, asked, state };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));
const log = { warn: () => undefined };

describe('the webhook dispatcher', () => {
  it('asks nothing per event while no webhook is active, and looks for work once one is', async () => {
    const { loop, asked, state } = recordingLoop();
    const dispatcher = new WebhookDispatcher(loop, { concurrency: 4, pollIntervalMs: 60_000 }, log);
    dispatcher.start();
    await settled();
    expect(asked).toEqual({ anyActive: 1, due: 0 });

    for (let index = 0; index < 50; index += 1) {
      dispatcher.eventApplied();
      await settled();
    }
    expect(asked).toEqual({ anyActive: 1, due: 0 });

    state.active = true;
    dispatcher.webhooksChanged(); // a webhook made active on this node
    await settled();
    expect(asked).toEqual({ anyActive: 2, due: 1 });
    dispatcher.eventApplied();
    await settled();
    expect(asked).toEqual({ anyActive: 2, due: 2 });
    await dispatcher.stop();
  });

  it('finds a webhook made active on another node at its next poll', async () => {
    const { loop, asked, state } = recordingLoop();
    const dispatcher = new WebhookDispatcher(loop, { concurrency: 4, pollIntervalMs: 50 }, log);
    dispatcher.start();
    await settled();
    state.active = true; // nothing on this node says so
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(asked.due).toBeGreaterThanOrEqual(1);
    await dispatcher.stop();
  });
});
