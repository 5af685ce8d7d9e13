// `npm run models:down`: stops the endpoints that `models:up` started (by the pid files in the cache).
// The installed packages stay in the cache for the next `models:up`.
import { say, stopDaemon } from './lib.mjs';

for (const name of ['chat', 'embed']) {
  const pid = stopDaemon(name);
  say(pid ? `${name}: stopped (pid ${pid})` : `${name}: not running`);
}
