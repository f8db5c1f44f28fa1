// Shared flows (flows/looks.js) in the engine E2E_ENGINE names (chromium by default).
import { runFlows } from "../engines/index.js";
import { flows } from "../flows/looks.js";

runFlows(flows);
