// An app that runs the gateway inside its own statechart: the gateway machine is invoked like any
// other actor, started with START, and reports done once STOP has torn everything down.
import { createActor, sendTo, setup } from "xstate";
import { createGatewayMachine, disposeLivekit } from "../src/index.js";

const robotMachine = setup({
  types: { events: {} as { type: "SHUTDOWN" } },
  actors: { gateway: createGatewayMachine({ name: "example-app" }) },
}).createMachine({
  id: "robot",
  initial: "online",
  states: {
    online: {
      // The invocation lives here, so it survives the move to `stopping` and can tear down.
      invoke: { id: "gateway", src: "gateway", input: {}, onDone: "off" },
      initial: "serving",
      states: {
        serving: {
          entry: sendTo("gateway", { type: "START" }),
          on: { SHUTDOWN: "stopping" },
        },
        stopping: {
          entry: sendTo("gateway", { type: "STOP" }),
        },
      },
    },
    off: { type: "final" },
  },
});

const robot = createActor(robotMachine);
robot.start();

// The invoked gateway is an actor like any other: watch its state.
let last = "";
robot.getSnapshot().children.gateway?.subscribe((snapshot) => {
  const state = JSON.stringify(snapshot.value);
  if (state !== last) console.log(`gateway: ${(last = state)}`);
});

process.once("SIGINT", () => robot.send({ type: "SHUTDOWN" }));
robot.subscribe({
  complete: async () => {
    await disposeLivekit(); // lets the process exit
    console.log("stopped");
  },
});
