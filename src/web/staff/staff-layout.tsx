import type { Child } from 'hono/jsx';
import type { Brand } from '../../config.ts';
import { staffCan, STAFF_ROLE_LABEL, type StaffAction } from '../../policies/staff-policy.ts';
import type { LoadedStaffSession } from '../../staff/staff-session.ts';
import { SignOutForm } from '../components/sign-out-form.tsx';
import { PageFrame } from '../layouts/page-frame.tsx';

/** The console's sections, in the order of its navigation, each shown to the roles its action allows. */
export const CONSOLE_SECTIONS = [
  { key: 'inicio', href: '/proveedor', label: 'Inicio', action: 'console:view' },
  { key: 'clientes', href: '/proveedor/clientes', label: 'Clientes', action: 'customers:read' },
  { key: 'contratos', href: '/proveedor/contratos', label: 'Contratos', action: 'contracts:read' },
  { key: 'ayuda', href: '/proveedor/ayuda', label: 'Ayuda', action: 'help:read' },
  { key: 'importar', href: '/proveedor/importar', label: 'Importar', action: 'import:run' },
  { key: 'correo', href: '/proveedor/correo', label: 'Correo', action: 'mail:read' },
  { key: 'auditoria', href: '/proveedor/auditoria', label: 'Auditoría', action: 'audit:read' },
  { key: 'informes', href: '/proveedor/informes', label: 'Informes', action: 'reports:read' },
  { key: 'webhooks', href: '/proveedor/webhooks', label: 'Webhooks', action: 'webhooks:read' },
  { key: 'personal', href: '/proveedor/personal', label: 'Personal', action: 'staff:read' },
  { key: 'api', href: '/proveedor/api', label: 'API', action: 'api:read' },
] as const satisfies ReadonlyArray<{ key: string; href: string; label: string; action: StaffAction }>;

export type ConsoleSection = (typeof CONSOLE_SECTIONS)[number]['key'];

export interface StaffPageProps {
  title: string;
  brand: Brand;
  session: LoadedStaffSession | null;
  csrfToken: string;
  flash?: string | null;
  current?: ConsoleSection;
  /** Sign-in, invitation, enrolment, second factor: no navigation. */
  bare?: boolean;
  /** Scripts from /static a page adds to what works without them (the help editor's live preview). */
  scripts?: readonly string[];
  children: Child;
}

function ConsoleNav(props: { session: LoadedStaffSession; current?: ConsoleSection; csrfToken: string }) {
  const { staff } = props.session;
  return (
    <nav class="main-nav console-nav" aria-label="Consola">
      <ul>
        {CONSOLE_SECTIONS.filter((s) => staffCan(staff.role, s.action)).map((s) => (
          <li>
            <a href={s.href} aria-current={props.current === s.key ? 'page' : undefined}>
              {s.label}
            </a>
          </li>
        ))}
      </ul>
      <div class="who">
        <span>
          <bdi>{staff.name}</bdi> · {STAFF_ROLE_LABEL[staff.role]}
        </span>
        <SignOutForm action="/proveedor/salir" csrfToken={props.csrfToken} />
      </div>
    </nav>
  );
}

/** The console's page: its own header and navigation, the same styles and footer as the portal. */
export function StaffLayout(props: StaffPageProps) {
  const { brand } = props;
  const signedIn = props.session && props.session.secondFactorAt !== null && !props.bare;
  return (
    <PageFrame
      documentTitle={`${props.title} · Consola · ${brand.name}`}
      brand={brand}
      homeHref="/proveedor"
      tagline="Consola"
      headerClass="console-header"
      banner={
        <div class="console-banner">
          <div class="wrap">Consola del proveedor · {brand.vendor}</div>
        </div>
      }
      nav={signedIn ? <ConsoleNav session={props.session!} current={props.current} csrfToken={props.csrfToken} /> : null}
      bare={props.bare}
      flash={props.flash}
      styles={['console.css']}
      scripts={props.scripts}
      footer={
        <p>
          {brand.copyright} · Consola de uso interno de {brand.vendor}.
        </p>
      }
    >
      {props.children}
    </PageFrame>
  );
}
