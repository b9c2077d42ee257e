import {
  encodeServerBinaryFrame,
  encodeServerJsonFrame,
  StatusLevel,
} from "../../protocol/index.js";
import type { ClientInfo } from "../listener.js";
import { MAX_CONCURRENT_REQUESTS, type ViewerLink } from "./viewer-link.js";

/**
 * Serves the assets viewers ask for by URI (protocol 2.2, spec 11.9), e.g. meshes referenced by a
 * robot description. The bytes it resolves with are sent back; a rejection is sent as an error
 * response with its message.
 *
 * @example
 * const assetHandler: AssetHandler = async ({ uri }) => readFile(new URL(uri));
 */
export type AssetHandler = (request: {
  client: ClientInfo;
  uri: string;
}) => Uint8Array | Promise<Uint8Array>;

/** Answers a viewer's `fetchAsset` (spec 11.9). */
export function fetchAsset(
  link: ViewerLink,
  request: { requestId: number; uri: string },
  handler: AssetHandler | undefined,
): void {
  const { requestId, uri } = request;
  if (!handler) {
    const message = "Server does not support assets capability";
    link.sendControl(encodeServerJsonFrame({ op: "status", level: StatusLevel.Error, message }));
    return;
  }
  const fail = (errorMessage: string) =>
    link.sendControl(
      encodeServerBinaryFrame({
        op: "fetchAssetResponse",
        requestId,
        status: "error",
        errorMessage,
      }),
    );
  if (link.inFlight.assets >= MAX_CONCURRENT_REQUESTS)
    return fail("Too many concurrent fetch asset requests");
  link.inFlight.assets += 1;
  void Promise.resolve()
    .then(() => handler({ client: { identity: link.identity }, uri }))
    .then((data) =>
      encodeServerBinaryFrame({ op: "fetchAssetResponse", requestId, status: "success", data }),
    )
    .then(
      (frame) => link.sendControl(frame),
      (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
    )
    .finally(() => {
      link.inFlight.assets -= 1;
    });
}
