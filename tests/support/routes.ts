/** Every route an Express 5 app answers, found by walking its router (so a new route cannot be forgotten). */
import type { Express } from 'express';

export interface RouteInfo {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: Layer[] };
  handle: { stack?: Layer[] };
  rawPath?: string | RegExp;
  method?: string;
}

function walk(stack: Layer[], prefix: string, out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
      for (const m of methods) out.push({ method: m.toUpperCase(), path: prefix + (layer.route.path === '/' ? '' : layer.route.path) });
    } else if (layer.handle?.stack) {
      const p = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, prefix + p, out);
    }
  }
}

export function listRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out);
  const seen = new Set<string>();
  return out.filter((r) => {
    const k = `${r.method} ${r.path}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A concrete URL for a route pattern: ids become a random UUID, numbers 1. */
export function concrete(path: string): string {
  return path.replace(/:id\b/g, '2b1c6a52-96b4-4c53-a0d5-3c7d1a7f4e11').replace(/:page\b/g, '1').replace(/:[a-zA-Z]+/g, 'x');
}
