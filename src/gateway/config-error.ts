/** A gateway option that cannot work. Thrown by `startGateway()`; the message says how to fix it. */
export class GatewayConfigError extends Error {
  override name = "GatewayConfigError";
}
