import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';

export interface UploadItem {
  key: string;
  name: string;
  progress: number;
  error: string | null;
  /** A neutral remark, e.g. that the file was already in the library. */
  note: string | null;
}

export interface UploadZoneHandle {
  pick(): void;
}

/** Drag-and-drop anywhere on the page, plus a hidden file input for the Upload button. */
export const UploadZone = forwardRef<UploadZoneHandle, { onFiles: (files: File[]) => void }>(function UploadZone({ onFiles }, ref) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  useImperativeHandle(ref, () => ({ pick: () => input.current?.click() }), []);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent) => hasFiles(e) && e.preventDefault();
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length) onFiles(files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, [onFiles]);

  return (
    <>
      <input
        ref={input}
        type="file"
        accept="application/pdf,.pdf"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
      {over && (
        <div className="dropzone" aria-hidden="true">
          <p>Drop PDFs to add them to your library</p>
        </div>
      )}
    </>
  );
});
