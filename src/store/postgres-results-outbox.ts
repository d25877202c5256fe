import { type Kysely, sql } from 'kysely';
import type { Clock } from '../lib/clock.js';
import type { OutboxItem, ResultsOutboxStore } from './call-store.js';
import type { Database } from './schema.js';

/**
 * The results outbox on PostgreSQL. Rows are written by `finishCall` in the transaction that
 * sets the outcome; a deliverer claims one at a time. Claiming pushes `next_attempt_at` out by
 * a lease, under `FOR UPDATE SKIP LOCKED`, so instances sharing the database never send the
 * same row at once, and a deliverer that dies mid-send leaves the row to be retried.
 */
export class PostgresResultsOutbox implements ResultsOutboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async claimDueDelivery(leaseMs: number): Promise<OutboxItem | null> {
    const now = this.clock.wallNow();
    const due = this.db
      .selectFrom('results_outbox')
      .select('id')
      .where('delivered_at', 'is', null)
      .where('next_attempt_at', '<=', new Date(now))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked();
    const row = await this.db
      .updateTable('results_outbox')
      .set({ next_attempt_at: new Date(now + leaseMs) })
      .where('id', '=', due)
      .returning(['id', 'call_id', sql<string>`payload::text`.as('body'), 'attempts'])
      .executeTakeFirst();
    return row ? { id: row.id, callId: row.call_id, body: row.body, attempts: row.attempts } : null;
  }

  async markDelivered(id: number): Promise<void> {
    await this.db
      .updateTable('results_outbox')
      .set((eb) => ({
        delivered_at: new Date(this.clock.wallNow()),
        attempts: eb('attempts', '+', 1),
        last_error: null,
      }))
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    await this.db
      .updateTable('results_outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error: error.slice(0, 500),
        next_attempt_at: nextAttemptAt,
      }))
      .where('id', '=', id)
      .execute();
  }
}
