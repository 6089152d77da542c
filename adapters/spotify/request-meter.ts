/**
 * The {@link RequestMeter} of both composition roots: the Spotify clients' `onRequest` callbacks
 * are {@link AsyncRequestMeter.apiRequest} and {@link AsyncRequestMeter.tokenRequest}, and each
 * request counts towards the `measure` call it was sent under. AsyncLocalStorage carries that
 * call through the awaits, so two playlists extracted at once in a local run count apart.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestMeter } from '../../core/ports';
import type { RequestCounts } from '../../core/requests';

/** Counts requests per `measure` call; a request sent outside any (none is) counts nowhere. */
export class AsyncRequestMeter implements RequestMeter {
  private readonly current = new AsyncLocalStorage<{ spotifyApi: number; spotifyToken: number }>();

  /** The Web API client's `onRequest`. */
  public readonly apiRequest = (): void => {
    const counts = this.current.getStore();
    if (counts) counts.spotifyApi += 1;
  };

  /** The token client's `onRequest`. */
  public readonly tokenRequest = (): void => {
    const counts = this.current.getStore();
    if (counts) counts.spotifyToken += 1;
  };

  public async measure<T>(work: (sofar: () => RequestCounts) => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; requests: RequestCounts }> {
    const counts = { spotifyApi: 0, spotifyToken: 0 };
    const [outcome] = await Promise.allSettled([this.current.run(counts, () => work(() => ({ ...counts })))]);
    return { outcome: outcome as PromiseSettledResult<T>, requests: { ...counts } };
  }
}
