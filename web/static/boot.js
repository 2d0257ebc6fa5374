// Loads the page's WebAssembly (the same module the worker runs) and starts the app.
"use strict";
(function () {
  const say = (text) => {
    const p = document.getElementById("loading");
    if (p) {
      p.textContent = text;
      p.className = "loading failed";
    }
  };
  if (location.protocol === "file:") {
    say("Open this page over HTTP, not from a file: browsers do not run its WebAssembly worker from file://. " +
      "For example: python3 -m http.server -d web/dist 8000, then http://localhost:8000/.");
    return;
  }
  wasm_bindgen({ module_or_path: "static_build_web_bg.wasm" })
    .then(() => wasm_bindgen.app_main())
    .catch((e) => say("The checker could not start in this browser: " + e +
      ". It needs WebAssembly and Web Workers (any current Chrome, Firefox, Safari or Edge)."));
})();
