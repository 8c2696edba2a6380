import { lazy } from 'react';
import { Admin, CustomRoutes, Resource } from 'react-admin';
import { BrowserRouter, Route } from 'react-router-dom';
import { authProvider } from './authProvider';
import bannedWords from './banned-words';
import channels from './channels';
import { dataProvider } from './dataProvider';
import { ImaginePage } from './imagine';
import { ConsoleLayout } from './layout/ConsoleLayout';
import hookDeliveries from './hooks';
import ledger from './ledger';
import prices from './prices';
import tasks from './tasks';
import tokens from './tokens';
import users from './users';

const Dashboard = lazy(() => import('./dashboard/Dashboard'));

export function App() {
  return (
    <BrowserRouter>
      <Admin
        title="MJ Gateway"
        dataProvider={dataProvider}
        authProvider={authProvider}
        dashboard={Dashboard}
        layout={ConsoleLayout}
        requireAuth
        disableTelemetry
      >
        <Resource name="tasks" {...tasks} />
        <Resource name="users" {...users} />
        <Resource name="channels" {...channels} />
        <Resource name="tokens" {...tokens} options={{ label: 'API keys' }} />
        <Resource name="ledger" {...ledger} options={{ label: 'Ledger' }} />
        <Resource name="hook-deliveries" {...hookDeliveries} options={{ label: 'Callbacks' }} />
        <Resource name="prices" {...prices} />
        <Resource name="banned-words" {...bannedWords} options={{ label: 'Banned words' }} />
        <CustomRoutes>
          <Route path="/imagine" element={<ImaginePage />} />
        </CustomRoutes>
      </Admin>
    </BrowserRouter>
  );
}
