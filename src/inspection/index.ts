export { type InspectionFeed, type InspectionFeedOptions, startInspectionFeed } from "./feed.js";
export {
  createStatelyInspector,
  type StatelyInspector,
  type StatelyInspectorOptions,
} from "./stately.js";
export { STATELY_INSPECTOR_URL, type StatelyBridge, startStatelyBridge } from "./stately-bridge.js";
export { type InspectionRecord, summarize } from "./summarize.js";
