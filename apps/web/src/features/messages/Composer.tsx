import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { isChorusError, newNonce } from '@chorus/client';
import { LIMITS } from '@chorus/contracts';
import { ErrorText } from '../../components/ErrorText';
import { useRealtime } from '../realtime/socket';
import { mergeMessages } from './cache';

const TYPING_EVERY_MS = 3_000;

const NO_SEND = 'You do not have permission to send messages in this channel.';

/**
 * The "Message" box: Enter sends, Shift+Enter is a new line; typing is announced at most every 3 s.
 * Without SEND_MESSAGES in the channel (`canSend`, from members/@me?channelId=) it is disabled with a
 * note saying why (SPEC 15); a send refused with FORBIDDEN (permissions changed meanwhile) asks the
 * page to look again (`onForbidden`).
 */
export function Composer(props: { channelId: string; channelName: string; canSend?: boolean; onForbidden?: () => void }) {
  const { channelId, channelName, canSend = true, onForbidden } = props;
  const { socket, state } = useRealtime();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const blocked = !canSend;
  const lastTyping = useRef(0);
  // One nonce per draft: resending after a lost ack can never post it twice (SPEC 5).
  const nonce = useRef(newNonce());

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    const content = text.trim();
    if (!content || !socket || sending || blocked) return;
    setSending(true);
    setError(null);
    try {
      const { message } = await socket.send(channelId, content, nonce.current);
      mergeMessages(qc, channelId, [message]);
      nonce.current = newNonce();
      setText('');
      lastTyping.current = 0;
    } catch (err) {
      setError(err);
      if (isChorusError(err, 'FORBIDDEN')) onForbidden?.();
    } finally {
      setSending(false);
    }
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  const onChange = (value: string) => {
    setText(value);
    if (value && Date.now() - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = Date.now();
      socket?.typing(channelId);
    }
  };

  return (
    <form className="composer" onSubmit={(e) => void send(e)}>
      <ErrorText error={error} />
      {blocked && (
        <p className="muted small composer-note" id={`no-send-${channelId}`}>
          {NO_SEND}
        </p>
      )}
      <div className="composer-row">
        <textarea
          aria-label="Message"
          placeholder={blocked ? 'This channel is read-only for you' : `Message #${channelName}`}
          disabled={blocked}
          aria-describedby={blocked ? `no-send-${channelId}` : undefined}
          value={text}
          rows={1}
          maxLength={LIMITS.contentMaxChars * 2}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKey}
        />
        <button type="submit" className="primary" disabled={blocked || !text.trim() || sending || state !== 'connected'}>
          Send
        </button>
      </div>
    </form>
  );
}
