// Structured logs: one JSON object per line, so Workers Logs can filter on fields. Callers pass only fields that
// are safe to keep; this module never receives secrets, signatures or bodies.

export type LogLevel = 'info' | 'warn' | 'error';

export function log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** A loggable summary of an unknown thrown value: its class and message, no stack or payloads. */
export function describeError(error: unknown): { error_name: string; error_message: string } {
  if (error instanceof Error) return { error_name: error.name, error_message: error.message.slice(0, 500) };
  return { error_name: typeof error, error_message: String(error).slice(0, 500) };
}
