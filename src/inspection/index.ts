export { type InspectionFeed, type InspectionFeedOptions, startInspectionFeed } from "./feed.js";
export { type InspectionRecord, summarize } from "./summarize.js";
