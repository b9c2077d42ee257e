/** Where a session reports what it does; never anything secret. */
export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}
