// Under XS: the device app's pure modules, for comparison with Node.
import { appScenario } from "../app/app-scenario.js";

print("RESULT " + JSON.stringify(appScenario()));
