import { NavLink, Navigate, Route, Routes } from 'react-router';
import { HotlinePage } from './hotline/HotlinePage';
import { ImportPage } from './import/ImportPage';
import { Bell } from './inbox/Bell';
import { InboxPage } from './inbox/InboxPage';
import { InterviewsPage } from './interviews/InterviewsPage';
import { ProblemPage } from './item/ProblemPage';
import { LedgerPage } from './ledger/LedgerPage';
import { ChannelsPage, FailedBadge } from './notifications/ChannelsPage';
import { InspectionPage } from './reports/InspectionPage';
import { MyItemsPage } from './queues/MyItemsPage';
import { VerifyPage } from './queues/VerifyPage';
import { ExtensionRequestsPage } from './queues/ExtensionRequestsPage';
import { ScorecardPage, ScorecardsPage } from './scorecards/ScorecardsPage';
import { ExemptionsPage } from './scorecards/ExemptionsPage';
import { type Lang, useI18n } from './shared/i18n';
import { ItemByNumber } from './shared/LedgerNumberLink';
import { SignedIn, signOut, useUser } from './shared/session';
import { VocabularyProvider } from './shared/vocabulary';
import { WallPage } from './wall/WallPage';
import { RaisePage } from './sources/RaisePage';
import { ReconciliationPage, SourceDocumentsPage } from './sources/SourceDocumentsPage';
import { SweepPage, SweepsPage } from './sweeps/SweepsPage';
import { BulletinIndex, BulletinPage } from './bulletin/BulletinPage';
import { UnitsPage } from './units/UnitsPage';

/**
 * The frame every page shares: the title, the navigation, the language switch — once signed in, and
 * once the ledger's vocabulary (sources, categories, scoring rules) has come from the server.
 */
export function App() {
  return (
    <SignedIn>
      <VocabularyProvider>
        <Frame />
      </VocabularyProvider>
    </SignedIn>
  );
}

function Frame() {
  const { t, lang, setLang } = useI18n();
  const user = useUser();
  const is = (...roles: string[]) => roles.some((r) => user.roles.includes(r));
  // The office and the committee start at the wall; everyone else at the ledger.
  const home = is('office', 'committee') ? '/wall' : '/ledger';
  return (
    <>
      <a className="skip" href="#main">
        {t('nav.skip')}
      </a>
      <header className="top">
        <div className="brand">
          <strong>{t('app.title')}</strong>
          <span className="muted">{t('app.subtitle')}</span>
        </div>
        <nav aria-label={t('app.title')}>
          {is('office', 'committee', 'admin') && <NavLink to="/wall">{t('nav.wall')}</NavLink>}
          <NavLink to="/ledger">{t('nav.ledger')}</NavLink>
          {user.roles.includes('office') && <NavLink to="/import">{t('nav.import')}</NavLink>}
          {/* 登记问题 and 来源文件 (对账): the office's; a document's reconciliation page is open to everyone signed in. */}
          {is('office') && <NavLink to="/raise">{t('nav.raise')}</NavLink>}
          {is('office') && <NavLink to="/documents">{t('nav.documents')}</NavLink>}
          {/* work queues: each shown to the role whose work it is */}
          {user.roles.includes('unit_head') && <NavLink to="/mine">{t('nav.mine')}</NavLink>}
          {user.roles.includes('verifier') && <NavLink to="/verify">{t('nav.verify')}</NavLink>}
          {user.roles.includes('office') && <NavLink to="/hotline">{t('nav.hotline')}</NavLink>}
          {is('office') && <NavLink to="/interviews">{t('nav.interviews')}</NavLink>}
          {is('office') && <NavLink to="/extension-requests">{t('nav.extensionRequests')}</NavLink>}
          {is('committee', 'office') && <NavLink to="/scorecards">{t('nav.scorecards')}</NavLink>}
          {/* 季督查: the office's and the committee's report; the page itself is open to everyone signed in. */}
          {is('committee', 'office') && <NavLink to="/inspection">{t('nav.inspection')}</NavLink>}
          {/* 月通报: sent to every unit, so in everyone's navigation. */}
          <NavLink to="/bulletin">{t('nav.bulletin')}</NavLink>
          {is('committee') && <NavLink to="/exemptions">{t('nav.exemptions')}</NavLink>}
          {is('unit_head') && user.unitId && <NavLink to={`/scorecards/${user.unitId}`}>{t('nav.myCard')}</NavLink>}
          {is('office') && <NavLink to="/sweeps">{t('nav.sweeps')}</NavLink>}
          {is('admin') && (
            <NavLink to="/notifications">
              {t('nav.notifications')} <FailedBadge />
            </NavLink>
          )}
          {/* 单位与领导班子: the office and the admin record who leads each unit (约谈对象). */}
          {is('office', 'admin') && <NavLink to="/units">{t('nav.units')}</NavLink>}
        </nav>
        {/* biome-ignore lint/a11y/useSemanticElements: two toggle buttons, not a form's fieldset */}
        <div className="lang" role="group" aria-label={t('lang.switch')}>
          {(['zh', 'en'] as Lang[]).map((l) => (
            <button key={l} type="button" aria-pressed={lang === l} onClick={() => setLang(l)} data-lang={l}>
              {t(l === 'zh' ? 'lang.zh' : 'lang.en')}
            </button>
          ))}
        </div>
        <div className="who">
          <Bell />
          <span data-user>{user.name}</span>{' '}
          <button type="button" data-sign-out onClick={() => void signOut()}>
            {t('login.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Navigate to={home} replace />} />
          <Route path="/wall" element={<WallPage />} />
          <Route path="/interviews" element={<InterviewsPage />} />
          <Route path="/scorecards" element={<ScorecardsPage />} />
          <Route path="/scorecards/:unitId" element={<ScorecardPage />} />
          <Route path="/exemptions" element={<ExemptionsPage />} />
          <Route path="/items/:ledgerNumber" element={<ItemByNumber />} />
          <Route path="/ledger" element={<LedgerPage />} />
          <Route path="/problems/:id" element={<ProblemPage />} />
          <Route path="/import" element={<ImportPage />} />
          <Route path="/mine" element={<MyItemsPage />} />
          <Route path="/verify" element={<VerifyPage />} />
          <Route path="/hotline" element={<HotlinePage />} />
          <Route path="/inbox" element={<InboxPage />} />
          <Route path="/notifications" element={<ChannelsPage />} />
          <Route path="/inspection" element={<InspectionPage />} />
          <Route path="/sweeps" element={<SweepsPage />} />
          <Route path="/sweeps/:id" element={<SweepPage />} />
          <Route path="/bulletin" element={<BulletinIndex />} />
          <Route path="/bulletin/:month" element={<BulletinPage />} />
          <Route path="/extension-requests" element={<ExtensionRequestsPage />} />
          <Route path="/raise" element={<RaisePage />} />
          <Route path="/documents" element={<SourceDocumentsPage />} />
          <Route path="/documents/:id" element={<ReconciliationPage />} />
          <Route path="/units" element={<UnitsPage />} />
          <Route path="*" element={<Navigate to={home} replace />} />
        </Routes>
      </main>
    </>
  );
}
