/**
 * Operations from the command line, with the same configuration as `npm start`:
 *   npm run backup -- <dest-dir>      online backup of DATA_DIR (safe while the server runs)
 *   npm run restore -- <backup-dir>   restore into an empty DATA_DIR (server stopped)
 */
import path from 'node:path';
import { loadConfig } from './config.js';
import { backupDataDir, restoreDataDir } from './store/backup.js';

const [command, target] = process.argv.slice(2);
try {
  const config = loadConfig();
  if (!target) throw new Error(`usage: npm run ${command ?? 'backup'} -- <directory>`);
  if (command === 'backup') {
    const r = await backupDataDir(config.dataDir, path.resolve(target));
    console.log(`Backed up ${config.dataDir} to ${r.dest} (${r.files} files, ${(r.bytes / 1024 / 1024).toFixed(1)} MB).`);
  } else if (command === 'restore') {
    restoreDataDir(path.resolve(target), config.dataDir);
    console.log(`Restored ${path.resolve(target)} into ${config.dataDir}. Start the server to use it.`);
  } else {
    throw new Error('commands: backup <dest>, restore <backup>');
  }
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
