#!/usr/bin/env node
// A committed shim so package managers can link the bin before `dist/` is built
// (workspace installs warned otherwise); the CLI itself lives in dist/cli.js.
import "../dist/cli.js";
