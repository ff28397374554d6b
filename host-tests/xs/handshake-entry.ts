// Under XS: the handshake cases, for the Node side to compare.
import { runHandshakeCases } from "./handshake-cases.js";

print("RESULT " + JSON.stringify(runHandshakeCases()));
