// Worker threads do not inherit a TypeScript loader from hosts such as vitest, which compile modules in-process.
// Register tsx here (harmless when the host already runs under tsx) so worker.ts loads in every host.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
