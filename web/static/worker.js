// The inspector's Web Worker: loads the module, then inspects one File per message by reading only the
// slices it needs (FileReaderSync over File.slice). Answers are JSON strings (see web/src/protocol.rs).
"use strict";
importScripts("static_build_web.js");
const ready = wasm_bindgen({ module_or_path: "static_build_web_bg.wasm" });
ready.then(
  () => postMessage(JSON.stringify({ kind: "ready" })),
  (e) => postMessage(JSON.stringify({ kind: "failed", id: 0, error: "the inspector could not load: " + e })),
);
self.onmessage = async (event) => {
  await ready;
  const { id, request, file } = event.data;
  let answer;
  try {
    answer = wasm_bindgen.worker_inspect(request, file);
  } catch (e) {
    // A trap leaves the module unusable: report it, then stop; the page starts a new worker.
    postMessage(JSON.stringify({ kind: "failed", id, error: "the inspector stopped on this file: " + e }));
    close();
    return;
  }
  postMessage(answer);
};
