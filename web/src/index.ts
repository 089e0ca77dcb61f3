/**
 * The web UI: static files a browser loads from the gateway (`/ui/`), no build step. They are
 * plain ES modules typed with JSDoc and checked by `tsc -p public` (checkJs), so what is served is
 * what is in the repository.
 */
import { fileURLToPath } from 'node:url';

/** The folder of the files to serve; the same from src/ and dist/. */
export const WEB_ROOT = fileURLToPath(new URL('../public/', import.meta.url));
