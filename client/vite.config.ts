import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  plugins: [react()],
  build: { outDir: path.join(here, 'dist'), emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
  server: {
    port: 5173,
    // `npm run dev`: the API (and pdf.js assets) come from `npm start` on :3000.
    // changeOrigin: the server answers only Host values it knows (SECURITY.md H1), and
    // localhost:5173 is not one of them; the page's writes still pass its check by Sec-Fetch-Site: same-origin.
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: true },
      '/pdfjs': { target: 'http://127.0.0.1:3000', changeOrigin: true },
    },
  },
});
