from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.segment_page_out import SegmentPageOut
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    name: str,
    *,
    cursor: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    elif isinstance(cursor, UUID):
        json_cursor = str(cursor)
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/stats/segments/{name}".format(name=quote(str(name), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SegmentPageOut | None:
    if response.status_code == 200:
        response_200 = SegmentPageOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | SegmentPageOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    cursor: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,

) -> Response[Problem | SegmentPageOut]:
    """ List Segment

     The members in a segment, a page at a time (scores are computed as of now).

    Args:
        name (str): `rfm:545`, or one of: vip, churn_risk, online_only, store_only, omnichannel,
            never_purchased
        cursor (None | Unset | UUID): `next_cursor` of the previous page
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SegmentPageOut]
     """


    kwargs = _get_kwargs(
        name=name,
cursor=cursor,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    cursor: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,

) -> Problem | SegmentPageOut | None:
    """ List Segment

     The members in a segment, a page at a time (scores are computed as of now).

    Args:
        name (str): `rfm:545`, or one of: vip, churn_risk, online_only, store_only, omnichannel,
            never_purchased
        cursor (None | Unset | UUID): `next_cursor` of the previous page
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SegmentPageOut
     """


    return sync_detailed(
        name=name,
client=client,
cursor=cursor,
limit=limit,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    cursor: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,

) -> Response[Problem | SegmentPageOut]:
    """ List Segment

     The members in a segment, a page at a time (scores are computed as of now).

    Args:
        name (str): `rfm:545`, or one of: vip, churn_risk, online_only, store_only, omnichannel,
            never_purchased
        cursor (None | Unset | UUID): `next_cursor` of the previous page
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SegmentPageOut]
     """


    kwargs = _get_kwargs(
        name=name,
cursor=cursor,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    cursor: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,

) -> Problem | SegmentPageOut | None:
    """ List Segment

     The members in a segment, a page at a time (scores are computed as of now).

    Args:
        name (str): `rfm:545`, or one of: vip, churn_risk, online_only, store_only, omnichannel,
            never_purchased
        cursor (None | Unset | UUID): `next_cursor` of the previous page
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SegmentPageOut
     """


    return (await asyncio_detailed(
        name=name,
client=client,
cursor=cursor,
limit=limit,

    )).parsed
