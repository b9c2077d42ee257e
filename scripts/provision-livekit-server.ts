// Makes sure a livekit-server binary exists (building it with Go the first time) and prints its path.
import { provisionLivekitServer } from "../src/dev/livekit-binary.js";

const binary = await provisionLivekitServer({ onProgress: (line) => console.log(line) });
console.log(`livekit-server: ${binary.path} (${binary.source})`);
