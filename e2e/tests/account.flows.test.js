// Shared flows (flows/account.js) in the engine E2E_ENGINE names (chromium by default).
import { runFlows } from "../engines/index.js";
import { flows } from "../flows/account.js";

runFlows(flows);
