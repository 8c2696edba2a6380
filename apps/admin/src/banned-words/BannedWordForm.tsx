import { BooleanInput, RadioButtonGroupInput, SimpleForm, TextInput, maxLength, required } from 'react-admin';
import { listChoices } from './bannedWordRecords';

export function BannedWordForm() {
  return (
    <SimpleForm defaultValues={{ list: 'banned', whole_word: true, note: '' }} sx={{ maxWidth: 560 }}>
      <TextInput
        source="phrase"
        label="Word or phrase"
        validate={[required(), maxLength(200)]}
        helperText="Case-insensitive. In Chinese, Japanese, Korean or Thai text (no spaces) it matches inside longer words too."
        fullWidth
      />
      <RadioButtonGroupInput
        source="list"
        choices={listChoices}
        helperText="An allowed phrase excuses a banned one it contains (banned 血, allowed 血橙)"
      />
      <BooleanInput source="whole_word" label="Whole words only" helperText="Off: also inside longer words (gore in gorefest)" />
      <TextInput source="note" validate={maxLength(200)} fullWidth />
    </SimpleForm>
  );
}
