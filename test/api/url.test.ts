import { describe, expect, it } from "vitest";
import { joinUrl } from "../../src/api/index.js";

describe("joinUrl (spec 3.1)", () => {
  it.each([
    ["https://api.foxglove.dev", "/internal/x", "https://api.foxglove.dev/internal/x"],
    ["https://api.foxglove.dev/", "/internal/x", "https://api.foxglove.dev/internal/x"],
    ["https://api.foxglove.dev///", "///internal/x", "https://api.foxglove.dev/internal/x"],
    ["https://api.foxglove.dev", "internal/x", "https://api.foxglove.dev/internal/x"],
    ["http://host:8080/prefix/", "/internal/x", "http://host:8080/prefix/internal/x"],
    ["http://host:8080/prefix", "internal/x", "http://host:8080/prefix/internal/x"],
    ["http://host:8080/a/b//", "//c/", "http://host:8080/a/b/c/"],
    ["", "/x", "/x"],
    ["http://h", "", "http://h/"],
    ["http://h/p?q=1", "/x", "http://h/p?q=1/x"],
  ])("joinUrl(%j, %j) = %j", (base, path, expected) => {
    expect(joinUrl(base, path)).toBe(expected);
  });
});
