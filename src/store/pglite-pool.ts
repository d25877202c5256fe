import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Presents one PGlite instance as the `pg`-style pool Kysely's PostgresDialect expects.
 * PGlite is a single connection: two Kysely "connections" would interleave their statements
 * inside each other's transactions, so `connect()` hands out the one connection at a time
 * (a FIFO mutex) and `release()` passes it on.
 */
export class PGlitePool implements PostgresPool {
  private readonly waiters: Array<() => void> = [];
  private busy = false;
  private ended = false;

  constructor(private readonly pglite: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    if (this.ended) throw new Error('PGlite pool has ended');
    if (this.busy) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.busy = true;
    let released = false;
    const client = {
      query: async <R>(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
        const result = await this.pglite.query<R>(text, [...parameters]);
        return {
          command: (result.command ?? 'SELECT') as PostgresQueryResult<R>['command'],
          rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
          rows: result.rows,
        };
      },
      release: () => {
        if (released) return;
        released = true;
        this.handOn();
      },
    };
    return client as PostgresPoolClient;
  }

  async end(): Promise<void> {
    this.ended = true;
    await this.pglite.close();
  }

  private handOn(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.busy = false;
  }
}
