/**
 * Wires the stages together with explicit constructor arguments (no global settings object). The embedder is
 * resolved in the background (a local model may need downloading); ingestion and search wait for it.
 */
import path from 'node:path';
import type { HealthResponse } from '@pagewise/shared';
import { ChatService } from './answer/chat.js';
import { OpenAIChatModel, type ChatModel } from './answer/llm.js';
import { StreamRegistry } from './http/streams.js';
import { ConversationStore } from './store/conversations.js';
import type { Config } from './config.js';
import { ClaimChecker } from './answer/verify/index.js';
import { resolveEmbedder, type ResolvedEmbedder } from './index/embedders/select.js';
import { LexicalIndex } from './index/lexical-index.js';
import { SearchIndex } from './index/search-index.js';
import { PageChunker } from './ingest/chunker.js';
import { Library } from './ingest/library.js';
import { OcrLanguageData } from './ingest/ocr-data.js';
import { IngestQueue } from './ingest/pipeline.js';
import { ExtractionPool } from './ingest/pool.js';
import type { Logger } from './logger.js';
import { openDb, type Db } from './store/db.js';
import { DocumentStore } from './store/documents.js';
import { FileStore } from './store/files.js';
import { classifyStoredPages } from './store/page-kinds.js';
import { OverviewService } from './answer/overview.js';
import { ChatTitler } from './answer/title.js';
import { CollectionStore } from './store/collections.js';
import { backfillTitles } from './store/document-names.js';
import { OverviewStore } from './store/overviews.js';

export const VERSION = '0.1.0';

export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  docs: DocumentStore;
  files: FileStore;
  pool: ExtractionPool;
  queue: IngestQueue;
  library: Library;
  conversations: ConversationStore;
  chatModel: ChatModel | null;
  chat: ChatService;
  /** Collections of documents, the chat titles from the utility model, the documents' overviews (issue 18). */
  collections: CollectionStore;
  titler: ChatTitler | null;
  overviews: OverviewService;
  streams: StreamRegistry;
  /** Resolves once the embedder is known and the vector index matches the database. */
  index: () => Promise<SearchIndex>;
  health: () => HealthResponse;
  close: () => Promise<void>;
}

export function createServices(config: Config, log: Logger): Services {
  const db = openDb(config.dataDir);
  classifyStoredPages(db, log.child({ part: 'store' }));
  backfillTitles(db, log.child({ part: 'store' }));
  const docs = new DocumentStore(db);
  const files = new FileStore(config.dataDir);
  const lexical = new LexicalIndex(db);
  const pool = new ExtractionPool({
    size: config.INGEST_WORKERS,
    timeoutMs: config.PARSE_TIMEOUT_MS,
    pageTimeoutMs: config.PARSE_PAGE_TIMEOUT_MS,
    maxRssMb: config.PARSE_MAX_RSS_MB,
    log: log.child({ part: 'extract' }),
  });
  const chunker = new PageChunker(config.CHUNK_SIZE, config.CHUNK_OVERLAP);

  let resolved: ResolvedEmbedder | null = null;
  let opened: SearchIndex | null = null;
  let closed = false;
  // An embeddings endpoint may come up after us (compose starts them together): keep trying, visibly.
  const resolveWithRetry = async (): Promise<ResolvedEmbedder> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await resolveEmbedder(config, log.child({ part: 'embedder' }));
      } catch (err) {
        if (config.EMBEDDER !== 'openai' || closed) throw err;
        log.warn({ attempt, reason: (err as Error).message }, 'embeddings endpoint not reachable yet; retrying in 10 s');
        await new Promise((r) => setTimeout(r, 10_000).unref());
      }
    }
  };
  const indexPromise: Promise<SearchIndex> = resolveWithRetry().then(async (r) => {
    resolved = r;
    const index = new SearchIndex(db, docs, lexical, r.embedder, SearchIndex.fileIn(config.dataDir), log.child({ part: 'index' }));
    await index.open();
    opened = index;
    return index;
  });
  // Without a usable embedder nothing can be indexed; surface it loudly but keep serving the library.
  indexPromise.catch((err) => log.fatal({ err }, 'the embedder could not be initialised'));
  const index = () => indexPromise;

  const ocrData = new OcrLanguageData({
    mode: config.OCR,
    langs: config.OCR_LANGS,
    dir: path.join(config.dataDir, 'ocr'),
    source: config.OCR_LANG_PATH,
    log: log.child({ part: 'ocr' }),
  });
  const ingestLimits = { maxPages: config.MAX_PAGES, maxChars: config.MAX_CHARS_PER_DOC };
  const queue = new IngestQueue(docs, files, pool, chunker, index, ingestLimits, log.child({ part: 'ingest' }), ocrData);
  const library = new Library(docs, files, queue, index);

  const conversations = new ConversationStore(db);
  const chatModel = createChatModel(config);
  const chat = new ChatService(
    index,
    conversations,
    chatModel,
    { topK: config.CHAT_TOP_K, contextTokens: config.LLM_CONTEXT_TOKENS, maxAnswerTokens: config.LLM_MAX_TOKENS, rewriteTimeoutMs: 15_000, expandQueries: config.QUERY_EXPANSION === 'on' },
    log.child({ part: 'chat' }),
    new ClaimChecker({ model: config.CLAIM_CHECK_MODEL === 'on' ? chatModel : null, timeoutMs: config.CLAIM_CHECK_TIMEOUT_MS }, log.child({ part: 'claims' })),
  );
  const collections = new CollectionStore(db);
  const titler = chatModel && config.CHAT_TITLES === 'model' ? new ChatTitler(chatModel, conversations, log.child({ part: 'titles' })) : null;
  const overviews = new OverviewService(new OverviewStore(db), docs, config.OVERVIEW === 'on' ? chatModel : null, log.child({ part: 'overview' }));
  queue.onReady = (id) => overviews.schedule(id);
  overviews.resume();
  const streams = new StreamRegistry({ maxStreams: config.MAX_STREAMS, maxStreamsPerClient: config.MAX_STREAMS_PER_CLIENT });
  if (chatModel) log.info({ model: config.LLM_MODEL, baseUrl: config.LLM_BASE_URL }, 'chat model endpoint configured');
  else log.info('no chat model configured (LLM_BASE_URL unset): chat answers extractively with cited passages');

  // Start-up reconciliation: interrupted ingestions back in the queue, stray temp/orphan files gone.
  queue.recover();
  const swept = files.reconcile(docs.allIds());
  if (swept.tmpRemoved || swept.orphansRemoved) log.info(swept, 'removed leftover files');
  void indexPromise.then(() => queue.kick(), () => undefined);
  ocrData.prepare();

  const health = (): HealthResponse => {
    const r = resolved as ResolvedEmbedder | null;
    const ix = opened as SearchIndex | null;
    return {
      ok: true,
      version: VERSION,
      embedder: {
        state: r ? 'ready' : 'loading',
        id: r?.embedder.id ?? null,
        kind: r?.embedder.kind ?? null,
        dimension: r?.embedder.dimension ?? null,
        fallbackReason: r?.fallbackReason ?? null,
      },
      index: { vectors: ix?.vectorCount ?? 0, state: ix?.state ?? 'rebuilding' },
      chat: { mode: chatModel ? 'llm' : 'extractive', model: chatModel ? config.LLM_MODEL : null },
      ocr: { state: ocrData.state(), langs: config.OCR_LANGS },
      documents: docs.statusCounts(),
    };
  };

  const close = async () => {
    closed = true;
    overviews.stop();
    streams.shutdown();
    await queue.stop();
    try {
      await (opened as SearchIndex | null)?.flush();
    } catch (err) {
      log.error({ err }, 'saving the vector index at shutdown failed');
    }
    db.close();
  };

  return { config, log, db, docs, files, pool, queue, library, conversations, chatModel, chat, collections, titler, overviews, streams, index, health, close };
}

function createChatModel(config: Config): ChatModel | null {
  if (!config.LLM_BASE_URL) return null;
  return new OpenAIChatModel({
    baseUrl: config.LLM_BASE_URL,
    apiKey: config.LLM_API_KEY,
    model: config.LLM_MODEL,
    utilityModel: config.LLM_UTILITY_MODEL ?? config.LLM_MODEL,
    temperature: config.LLM_TEMPERATURE,
    firstByteTimeoutMs: config.LLM_FIRST_BYTE_TIMEOUT_MS,
    idleTimeoutMs: config.LLM_IDLE_TIMEOUT_MS,
    maxAttempts: config.LLM_MAX_ATTEMPTS,
    retryBudgetMs: config.LLM_RETRY_BUDGET_MS,
  });
}
