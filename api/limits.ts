import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ForbiddenError } from '../domain/index.js';

/**
 * How many attempts the public doors (login, the hotline) allow. The counters live in memory
 * (rate-limiter-flexible): a restart clears them, which is acceptable for one server process and
 * keeps failed guesses out of the event log. They run on the wall clock, not the ledger's clock.
 */
export type LimitSettings = {
  /** Wrong passwords in a row before an account is locked… */
  loginFailuresPerAccount: number;
  /** …for this long (seconds); a right password or an admin's reset clears the count. */
  accountLockSeconds: number;
  /** Failed logins from one address, over any accounts, within the window, before it is locked out. */
  loginFailuresPerIp: number;
  ipWindowSeconds: number;
  /** Hotline reports one address may submit per hour. */
  hotlineReportsPerIpPerHour: number;
  /** Receipt-code lookups one address may make per minute (so codes cannot be guessed by trying). */
  hotlineLookupsPerIpPerMinute: number;
  /** Live streams (subscriptions over server-sent events) one user may hold open at once… */
  streamsPerUser: number;
  /** …and the server in all: each holds a connection, a listener on the log and a timer. */
  streamsTotal: number;
};

export const defaultLimits: LimitSettings = {
  loginFailuresPerAccount: 5,
  accountLockSeconds: 15 * 60,
  loginFailuresPerIp: 100,
  ipWindowSeconds: 15 * 60,
  hotlineReportsPerIpPerHour: 10,
  hotlineLookupsPerIpPerMinute: 30,
  streamsPerUser: 5,
  streamsTotal: 500,
};

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export class RateLimits {
  private readonly byAccount: RateLimiterMemory;
  private readonly byIp: RateLimiterMemory;
  private readonly hotlineReports: RateLimiterMemory;
  private readonly hotlineLookups: RateLimiterMemory;
  /** Open live streams per user id. */
  private readonly streams = new Map<string, number>();
  private streamCount = 0;

  constructor(readonly settings: LimitSettings = defaultLimits) {
    this.byAccount = new RateLimiterMemory({ points: settings.loginFailuresPerAccount, duration: settings.accountLockSeconds });
    this.byIp = new RateLimiterMemory({ points: settings.loginFailuresPerIp, duration: settings.ipWindowSeconds });
    this.hotlineReports = new RateLimiterMemory({ points: settings.hotlineReportsPerIpPerHour, duration: 3600 });
    this.hotlineLookups = new RateLimiterMemory({ points: settings.hotlineLookupsPerIpPerMinute, duration: 60 });
  }

  /** Refuses at once, before any password is hashed, when the account or the address is locked out. */
  async checkLogin(login: string, ip: string): Promise<void> {
    const ipState = await this.byIp.get(ip);
    if (ipState && ipState.consumedPoints >= this.settings.loginFailuresPerIp)
      throw new ForbiddenError(
        'TOO_MANY_LOGIN_ATTEMPTS',
        `Too many failed logins from your address; try again in ${seconds(ipState.msBeforeNext)} seconds.`,
        { retryAfterSeconds: seconds(ipState.msBeforeNext) },
      );
    const accountState = await this.byAccount.get(accountKey(login));
    if (accountState && accountState.consumedPoints >= this.settings.loginFailuresPerAccount)
      throw new ForbiddenError(
        'ACCOUNT_LOCKED',
        `This account is locked after ${this.settings.loginFailuresPerAccount} wrong passwords in a row; try again in ${seconds(accountState.msBeforeNext)} seconds, or ask an admin to reset the password.`,
        { retryAfterSeconds: seconds(accountState.msBeforeNext) },
      );
  }

  async loginFailed(login: string, ip: string): Promise<void> {
    await Promise.all([this.byAccount.penalty(accountKey(login), 1), this.byIp.penalty(ip, 1)]);
  }

  /** A right password (or an admin's reset) ends the run of failures. */
  async clearAccount(login: string): Promise<void> {
    await this.byAccount.delete(accountKey(login));
  }

  async hotlineReport(ip: string): Promise<void> {
    await consumeOrRefuse(this.hotlineReports, ip, 'Too many hotline reports from your address');
  }

  async hotlineLookup(ip: string): Promise<void> {
    await consumeOrRefuse(this.hotlineLookups, ip, 'Too many receipt-code lookups from your address');
  }

  /** Live streams open now, over all users. */
  get openStreams(): number {
    return this.streamCount;
  }

  /**
   * Takes a place for one live stream of this user, or refuses (TOO_MANY_STREAMS) when the user or
   * the server is at its limit. Returns the release, to call once when the stream closes (a second
   * call does nothing).
   */
  openStream(userId: string): () => void {
    const mine = this.streams.get(userId) ?? 0;
    if (mine >= this.settings.streamsPerUser)
      throw new ForbiddenError('TOO_MANY_STREAMS', `You have ${mine} live streams open, the most one user may have; close one first.`, {
        limit: this.settings.streamsPerUser,
      });
    if (this.streamCount >= this.settings.streamsTotal)
      throw new ForbiddenError(
        'TOO_MANY_STREAMS',
        `The server has ${this.streamCount} live streams open, all it serves; try again later.`,
        {
          limit: this.settings.streamsTotal,
        },
      );
    this.streams.set(userId, mine + 1);
    this.streamCount++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.streamCount--;
      const left = (this.streams.get(userId) ?? 1) - 1;
      if (left > 0) this.streams.set(userId, left);
      else this.streams.delete(userId);
    };
  }
}

const accountKey = (login: string) => login.trim().toLowerCase();

async function consumeOrRefuse(limiter: RateLimiterMemory, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    throw new ForbiddenError('RATE_LIMITED', `${what}; try again in ${seconds(error.msBeforeNext)} seconds.`, {
      retryAfterSeconds: seconds(error.msBeforeNext),
    });
  }
}
