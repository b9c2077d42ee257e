export { GatewayConfigError } from "./config-error.js";
export type {
  GatewayCapability,
  GatewayLogger,
  GatewayOptions,
  ProtocolProfile,
} from "./options.js";
export {
  createGatewayMachine,
  type Gateway,
  type GatewayActor,
  type GatewayMachineWithIo,
  startGateway,
} from "./start-gateway.js";
export type { GatewayPhase, GatewayState, GatewayStatus, LeaseHealth } from "./status.js";
