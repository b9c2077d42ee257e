// The simplest use: start a gateway, watch its status, stop it on Ctrl-C.
// Reads FOXGLOVE_DEVICE_TOKEN (and FOXGLOVE_API_URL if set) from the environment.
// (Inside this repository we import from ../src; an app imports from the package.)
import { disposeLivekit, startGateway } from "../src/index.js";

const gateway = startGateway({ name: "example-robot" });

gateway.onStatus((status) => {
  console.log(`status: ${status.state}${status.lastError ? ` (${status.lastError.kind})` : ""}`);
});

process.once("SIGINT", async () => {
  await gateway.stop();
  await disposeLivekit(); // lets the process exit
  console.log("stopped");
});
