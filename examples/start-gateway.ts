// The simplest use: start a gateway, watch its status, stop it on Ctrl-C.
// Reads FOXGLOVE_DEVICE_TOKEN (and FOXGLOVE_API_URL if set) from the environment.
// (Inside this repository we import from ../src; an app imports from the package.)
import { defaultContext, disposeLivekit, startGateway } from "../src/index.js";

const gateway = startGateway({ name: "example-robot" });

// A channel, logged at 10 Hz: nothing is encoded until a viewer subscribes.
const pose = defaultContext().createChannel({ topic: "/pose", messageEncoding: "json" });
const ticker = setInterval(
  () => pose.log({ x: Math.cos(Date.now() / 1000), y: Math.sin(Date.now() / 1000) }),
  100,
);

gateway.onStatus((status) => {
  console.log(`status: ${status.state}${status.lastError ? ` (${status.lastError.kind})` : ""}`);
});

process.once("SIGINT", async () => {
  clearInterval(ticker);
  await gateway.stop();
  await disposeLivekit(); // lets the process exit
  console.log("stopped");
});
