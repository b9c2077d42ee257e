/**
 * A local web dashboard for a gateway: the live statechart, status, participants and channels,
 * and (against the local stack) an in-browser viewer and a livekit-server restart button.
 */
export { type Dashboard, type DashboardOptions, startDashboard } from "./dashboard.js";
export type { ChannelSummary, DashboardStatus, ViewerGrant } from "./wire.js";
