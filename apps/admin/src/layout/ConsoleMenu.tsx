import BrushIcon from '@mui/icons-material/Brush';
import { Menu, useCanAccess } from 'react-admin';

/** Dashboard, the Imagine page, then the resources the user may open (react-admin hides the others via canAccess). */
export function ConsoleMenu() {
  const { canAccess: canImagine } = useCanAccess({ resource: 'imagine', action: 'access' });
  return (
    <Menu>
      <Menu.DashboardItem />
      {canImagine && <Menu.Item to="/imagine" primaryText="Imagine" leftIcon={<BrushIcon />} />}
      <Menu.ResourceItems />
    </Menu>
  );
}
