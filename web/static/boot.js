// Loads the page's WebAssembly (the same module the worker runs) and starts the app.
"use strict";
wasm_bindgen({ module_or_path: "static_build_web_bg.wasm" })
  .then(() => wasm_bindgen.app_main())
  .catch((e) => {
    const p = document.getElementById("loading");
    if (p) {
      p.textContent = "The checker could not start in this browser: " + e +
        ". It needs WebAssembly and Web Workers (any current Chrome, Firefox, Safari or Edge).";
      p.className = "loading failed";
    }
  });
