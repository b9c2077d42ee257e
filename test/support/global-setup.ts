import type { TestProject } from "vitest/node";
import { provisionLivekitServer } from "../../src/dev/livekit-binary.js";

// Provision once for the whole run, before any worker starts, so workers never build in parallel.
export default async function setup(project: TestProject): Promise<void> {
  const binary = await provisionLivekitServer({ onProgress: (line) => console.log(line) });
  project.provide("livekitServerBinary", binary.path);
}

declare module "vitest" {
  export interface ProvidedContext {
    livekitServerBinary: string;
  }
}
