// A `jobs` row as D1 returns it, and the spec's JobState it stands for (validated here, at the storage edge).
import { JobState } from '../../content-pipeline/index.ts';

export interface JobRow {
  job_id: string;
  kind: string;
  status: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
  progress_step: string | null;
  progress_current: number | null;
  progress_total: number | null;
  request_data: string;
  results: string | null;
  error_message: string | null;
  worker_id: string | null;
  started_at: string | null;
  completed_at: string | null;
}

export function jobFromRow(row: JobRow): JobState {
  return JobState.parse({
    job_id: row.job_id,
    kind: row.kind,
    status: row.status,
    created_at: row.created_at,
    updated_at: row.updated_at,
    expires_at: row.expires_at,
    ...(row.progress_step !== null && {
      progress: { step: row.progress_step, current: row.progress_current ?? 0, total: row.progress_total ?? 0 },
    }),
    request_data: row.request_data,
    ...(row.results !== null && { results: row.results }),
    ...(row.error_message !== null && { error_message: row.error_message }),
    ...(row.worker_id !== null && { worker_id: row.worker_id }),
    ...(row.started_at !== null && { started_at: row.started_at }),
    ...(row.completed_at !== null && { completed_at: row.completed_at }),
  });
}
