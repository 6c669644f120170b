from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.kpi_out import KpiOut
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    channel: None | str | Unset = UNSET,
    store_id: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.date):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.date):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    json_channel: None | str | Unset
    if isinstance(channel, Unset):
        json_channel = UNSET
    else:
        json_channel = channel
    params["channel"] = json_channel

    json_store_id: None | str | Unset
    if isinstance(store_id, Unset):
        json_store_id = UNSET
    else:
        json_store_id = store_id
    params["store_id"] = json_store_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/stats/kpis",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> KpiOut | Problem | None:
    if response.status_code == 200:
        response_200 = KpiOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[KpiOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    channel: None | str | Unset = UNSET,
    store_id: None | str | Unset = UNSET,

) -> Response[KpiOut | Problem]:
    """ Get Kpis

     KPIs over a range of days (default: the last 30): enrolments, active members, purchases, spend,
    points earned / redeemed / expired, repeat-purchase and redemption rates, points outstanding and the
    liability they represent.

    Args:
        from_ (datetime.date | None | Unset): First day (YYYY-MM-DD, Ho Chi Minh date)
        to (datetime.date | None | Unset): Last day, included (YYYY-MM-DD)
        channel (None | str | Unset):
        store_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KpiOut | Problem]
     """


    kwargs = _get_kwargs(
        from_=from_,
to=to,
channel=channel,
store_id=store_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    channel: None | str | Unset = UNSET,
    store_id: None | str | Unset = UNSET,

) -> KpiOut | Problem | None:
    """ Get Kpis

     KPIs over a range of days (default: the last 30): enrolments, active members, purchases, spend,
    points earned / redeemed / expired, repeat-purchase and redemption rates, points outstanding and the
    liability they represent.

    Args:
        from_ (datetime.date | None | Unset): First day (YYYY-MM-DD, Ho Chi Minh date)
        to (datetime.date | None | Unset): Last day, included (YYYY-MM-DD)
        channel (None | str | Unset):
        store_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KpiOut | Problem
     """


    return sync_detailed(
        client=client,
from_=from_,
to=to,
channel=channel,
store_id=store_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    channel: None | str | Unset = UNSET,
    store_id: None | str | Unset = UNSET,

) -> Response[KpiOut | Problem]:
    """ Get Kpis

     KPIs over a range of days (default: the last 30): enrolments, active members, purchases, spend,
    points earned / redeemed / expired, repeat-purchase and redemption rates, points outstanding and the
    liability they represent.

    Args:
        from_ (datetime.date | None | Unset): First day (YYYY-MM-DD, Ho Chi Minh date)
        to (datetime.date | None | Unset): Last day, included (YYYY-MM-DD)
        channel (None | str | Unset):
        store_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[KpiOut | Problem]
     """


    kwargs = _get_kwargs(
        from_=from_,
to=to,
channel=channel,
store_id=store_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    channel: None | str | Unset = UNSET,
    store_id: None | str | Unset = UNSET,

) -> KpiOut | Problem | None:
    """ Get Kpis

     KPIs over a range of days (default: the last 30): enrolments, active members, purchases, spend,
    points earned / redeemed / expired, repeat-purchase and redemption rates, points outstanding and the
    liability they represent.

    Args:
        from_ (datetime.date | None | Unset): First day (YYYY-MM-DD, Ho Chi Minh date)
        to (datetime.date | None | Unset): Last day, included (YYYY-MM-DD)
        channel (None | str | Unset):
        store_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        KpiOut | Problem
     """


    return (await asyncio_detailed(
        client=client,
from_=from_,
to=to,
channel=channel,
store_id=store_id,

    )).parsed
