import type { SqlParam } from '../database/db';

/**
 * The filter shared by the deadline work queues (amendments, ROI requests): a status, or `open` for any open
 * status, and overdue=true|false (open and past its due date). Appends its parameters to `params`.
 */
export function deadlineQueueClauses(
  q: { status?: string; overdue?: 'true' | 'false' },
  openStatuses: readonly string[],
  now: string,
  params: SqlParam[],
): string[] {
  const where: string[] = [];
  const open = `status IN (${openStatuses.map((s) => `'${s}'`).join(', ')})`;
  if (q.status === 'open') where.push(open);
  else if (q.status) {
    params.push(q.status);
    where.push(`status = $${params.length}`);
  }
  if (q.overdue !== undefined) {
    params.push(now);
    const overdue = `(${open} AND due_at < $${params.length})`;
    where.push(q.overdue === 'true' ? overdue : `NOT ${overdue}`);
  }
  return where;
}
